package io.pushwire.server.websocket;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A WebSocket client on a plain socket for end-to-end tests that need what a library
 * client hides: any {@code Host} and {@code Origin} header, the refusal's HTTP status and
 * body, many frames in one write, and whether the connection ended with a close frame or
 * a reset.
 */
final class RawWebSocketClient implements AutoCloseable {

	private static final int TIMEOUT_MILLIS = 10_000;

	private static final byte[] MASK = { 0x12, 0x34, 0x56, 0x78 };

	private final Socket socket;

	private final InputStream in;

	private final OutputStream out;

	private final Response response;

	private RawWebSocketClient(Socket socket, Response response) throws IOException {
		this.socket = socket;
		this.in = socket.getInputStream();
		this.out = socket.getOutputStream();
		this.response = response;
	}

	/**
	 * Send an upgrade request to {@code /rps} on the local port with these headers (and
	 * {@code Host} {@code localhost:<port>} unless given) and read the response head (and
	 * body, if refused).
	 */
	static RawWebSocketClient connect(int port, String path, Map<String, String> headers) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
		socket.setSoTimeout(TIMEOUT_MILLIS);
		Map<String, String> all = new LinkedHashMap<>();
		all.put("Host", "localhost:" + port);
		all.putAll(headers);
		all.put("Upgrade", "websocket");
		all.put("Connection", "Upgrade");
		all.put("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
		all.put("Sec-WebSocket-Version", "13");
		StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\n");
		all.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
		request.append("\r\n");
		socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
		socket.getOutputStream().flush();
		return new RawWebSocketClient(socket, readResponse(socket.getInputStream()));
	}

	static RawWebSocketClient connect(int port, Map<String, String> headers) throws IOException {
		return connect(port, "/rps", headers);
	}

	Response response() {
		return this.response;
	}

	/** A masked text frame, as a client must send it. */
	static byte[] textFrame(String text) {
		byte[] payload = text.getBytes(StandardCharsets.UTF_8);
		ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
		frame.write(0x81);
		if (payload.length < 126) {
			frame.write(0x80 | payload.length);
		}
		else if (payload.length > 0xFFFF) {
			throw new IllegalArgumentException("Test frames stay under 64 KB");
		}
		else {
			frame.write(0x80 | 126);
			frame.write(payload.length >>> 8);
			frame.write(payload.length & 0xFF);
		}
		frame.writeBytes(MASK);
		for (int i = 0; i < payload.length; i++) {
			frame.write(payload[i] ^ MASK[i % 4]);
		}
		return frame.toByteArray();
	}

	/** A masked close frame with a status code, as a client answers the server's. */
	static byte[] closeFrame(int code) {
		return new byte[] { (byte) 0x88, (byte) 0x82, MASK[0], MASK[1], MASK[2], MASK[3],
				(byte) ((code >>> 8) ^ MASK[0]), (byte) ((code & 0xFF) ^ MASK[1]) };
	}

	void send(String text) throws IOException {
		sendRaw(textFrame(text));
	}

	void sendRaw(byte[] bytes) throws IOException {
		this.out.write(bytes);
		this.out.flush();
	}

	/**
	 * The next frame from the server.
	 * @throws IOException a reset or end of stream before a whole frame (the client would
	 * report 1006)
	 */
	Frame readFrame() throws IOException {
		int first = readByte();
		int second = readByte();
		long length = second & 0x7F;
		if (length == 126) {
			length = (readByte() << 8) | readByte();
		}
		else if (length == 127) {
			length = 0;
			for (int i = 0; i < 8; i++) {
				length = (length << 8) | readByte();
			}
		}
		byte[] payload = this.in.readNBytes((int) length);
		if (payload.length != length) {
			throw new EOFException("Connection ended inside a frame");
		}
		return new Frame(first & 0x0F, payload);
	}

	private int readByte() throws IOException {
		int value = this.in.read();
		if (value < 0) {
			throw new EOFException("Connection ended without a close frame");
		}
		return value;
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

	private static Response readResponse(InputStream in) throws IOException {
		String head = readLine(in);
		int status = Integer.parseInt(head.split(" ")[1]);
		Map<String, String> headers = new LinkedHashMap<>();
		for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
			int colon = line.indexOf(':');
			headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
		}
		String body = "";
		if (status != 101) {
			if (headers.containsKey("content-length")) {
				body = new String(in.readNBytes(Integer.parseInt(headers.get("content-length"))),
						StandardCharsets.UTF_8);
			}
			else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
				ByteArrayOutputStream chunks = new ByteArrayOutputStream();
				for (int size = Integer.parseInt(readLine(in), 16); size > 0; size = Integer.parseInt(readLine(in),
						16)) {
					chunks.writeBytes(in.readNBytes(size));
					readLine(in);
				}
				body = chunks.toString(StandardCharsets.UTF_8);
			}
		}
		return new Response(status, headers, body);
	}

	private static String readLine(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		int c;
		while ((c = in.read()) != '\n') {
			if (c < 0) {
				throw new EOFException("Connection ended inside the response head");
			}
			if (c != '\r') {
				line.append((char) c);
			}
		}
		return line.toString();
	}

	/** The response to the upgrade request. */
	record Response(int status, Map<String, String> headers, String body) {

	}

	/** A frame from the server. */
	record Frame(int opcode, byte[] payload) {

		static final int TEXT = 1;

		static final int CLOSE = 8;

		String text() {
			return new String(this.payload, StandardCharsets.UTF_8);
		}

		int closeCode() {
			return ((this.payload[0] & 0xFF) << 8) | (this.payload[1] & 0xFF);
		}

	}

}
