import http2, { type ServerHttp2Stream } from "node:http2";

/**
 * A stand-in for Jaeger's OTLP/gRPC receiver: accepts `TraceService/Export` calls over cleartext
 * HTTP/2 and keeps each request's protobuf payload. Tests look for bytes in it (the service name,
 * a trace id, a span name) rather than decoding the protobuf.
 */

export interface OtlpReceiver {
  port: number;
  /** Export payloads received, gRPC framing stripped. */
  exports: Buffer[];
  /** True once some export contains every given byte sequence. */
  received(...needles: (string | Buffer)[]): boolean;
  stop(): Promise<void>;
}

export const EXPORT_PATH = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

export const startOtlpReceiver = (port = 0): Promise<OtlpReceiver> =>
  new Promise((resolve, reject) => {
    const exports: Buffer[] = [];
    const server = http2.createServer();
    server.on("stream", (stream: ServerHttp2Stream, headers) => {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        if (headers[":path"] === EXPORT_PATH) exports.push(Buffer.concat(chunks).subarray(5));
        // An empty ExportTraceServiceResponse, then grpc-status OK in the trailers.
        stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
        stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
        stream.end(Buffer.from([0, 0, 0, 0, 0]));
      });
    });
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      if (!address || typeof address === "string") return reject(new Error("no port"));
      resolve({
        port: address.port,
        exports,
        received: (...needles) => exports.some((payload) => needles.every((n) => payload.includes(n))),
        stop: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
