import CZlib

/// Inflates gzip (and zlib) streams with zlib, including concatenated gzip members as
/// produced by parallel compressors.
final class GzipInputStream: ByteStream {
    private let upstream: any ByteStream
    private var stream = z_stream()
    private var input: UnsafeMutableRawBufferPointer
    private var finished = false
    private var upstreamEnded = false

    init(_ upstream: any ByteStream) throws {
        self.upstream = upstream
        input = UnsafeMutableRawBufferPointer.allocate(byteCount: 128 * 1024, alignment: 16)
        let status = inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            input.deallocate()
            throw ImageError.malformedTar("zlib inflateInit2 failed with status \(status)")
        }
    }

    deinit {
        inflateEnd(&stream)
        input.deallocate()
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !finished, let out = buffer.baseAddress, buffer.count > 0 else { return 0 }
        stream.next_out = out.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = uInt(buffer.count)
        while stream.avail_out > 0 {
            if stream.avail_in == 0 && !upstreamEnded {
                let n = try upstream.read(into: input)
                if n == 0 {
                    upstreamEnded = true
                } else {
                    stream.next_in = input.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    stream.avail_in = uInt(n)
                }
            }
            if stream.avail_in == 0 && upstreamEnded {
                // Only legal at a member boundary; `memberEnded` tracks that.
                if !memberEnded {
                    throw ImageError.malformedTar(
                        "gzip stream ends in the middle of compressed data (truncated layer?)")
                }
                finished = true
                break
            }
            memberEnded = false
            let status = inflate(&stream, Z_NO_FLUSH)
            if status == Z_STREAM_END {
                memberEnded = true
                // Another member may follow; reset keeps pending input.
                let reset = inflateReset(&stream)
                guard reset == Z_OK else {
                    throw ImageError.malformedTar("zlib inflateReset failed with status \(reset)")
                }
                continue
            }
            if status == Z_BUF_ERROR && stream.avail_in == 0 { continue }
            guard status == Z_OK else {
                let message = stream.msg.map { String(cString: $0) } ?? "status \(status)"
                throw ImageError.malformedTar("gzip data is corrupt: \(message)")
            }
        }
        return buffer.count - Int(stream.avail_out)
    }

    private var memberEnded = false
}

/// Deflates into gzip format (for `image import`), pushing compressed bytes downstream.
final class GzipOutputSink: ByteSink {
    private let downstream: any ByteSink
    private var stream = z_stream()
    private var output: UnsafeMutableRawBufferPointer

    init(_ downstream: any ByteSink, level: Int32 = 6) throws {
        self.downstream = downstream
        output = UnsafeMutableRawBufferPointer.allocate(byteCount: 128 * 1024, alignment: 16)
        let status = deflateInit2_(
            &stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)
        )
        guard status == Z_OK else {
            output.deallocate()
            throw ImageError.malformedTar("zlib deflateInit2 failed with status \(status)")
        }
    }

    deinit {
        deflateEnd(&stream)
        output.deallocate()
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        stream.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(bytes.count)
        try pump(flush: Z_NO_FLUSH)
    }

    /// Writes the gzip trailer; call once after the last write.
    func finish() throws {
        stream.next_in = nil
        stream.avail_in = 0
        try pump(flush: Z_FINISH)
    }

    private func pump(flush: Int32) throws {
        while true {
            stream.next_out = output.baseAddress?.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(output.count)
            let status = deflate(&stream, flush)
            guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                throw ImageError.malformedTar("zlib deflate failed with status \(status)")
            }
            let produced = output.count - Int(stream.avail_out)
            if produced > 0 { try downstream.write(UnsafeRawBufferPointer(rebasing: output[0..<produced])) }
            if flush == Z_FINISH {
                if status == Z_STREAM_END { return }
            } else if stream.avail_in == 0 && stream.avail_out > 0 {
                return
            }
        }
    }
}
