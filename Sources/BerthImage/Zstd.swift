import CZstd

/// Decompresses zstd layers (`application/vnd.oci.image.layer.v1.tar+zstd`) with libzstd's
/// streaming API, across concatenated frames.
final class ZstdInputStream: ByteStream {
    private let upstream: any ByteStream
    private let context: OpaquePointer
    private let input = UnsafeMutableRawBufferPointer.allocate(byteCount: 128 * 1024, alignment: 16)
    private var inputBuffer = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
    private var upstreamEnded = false
    /// A frame just ended (decompressStream returned 0) and no byte of another began.
    private var atFrameBoundary = false

    init(_ upstream: any ByteStream) throws {
        self.upstream = upstream
        guard let context = ZSTD_createDStream() else {
            input.deallocate()
            throw ImageError.malformedTar("libzstd could not allocate a decompression context")
        }
        self.context = context
        let status = ZSTD_initDStream(context)
        guard ZSTD_isError(status) == 0 else {
            ZSTD_freeDStream(context)
            input.deallocate()
            throw ImageError.malformedTar(
                "libzstd could not start decompression: \(String(cString: ZSTD_getErrorName(status)))")
        }
    }

    deinit {
        ZSTD_freeDStream(context)
        input.deallocate()
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        var output = ZSTD_outBuffer(dst: base, size: buffer.count, pos: 0)
        while true {
            if inputBuffer.pos == inputBuffer.size && !upstreamEnded {
                let n = try upstream.read(into: input)
                if n == 0 {
                    upstreamEnded = true
                } else {
                    inputBuffer = ZSTD_inBuffer(src: UnsafeRawPointer(input.baseAddress), size: n, pos: 0)
                }
            }
            let before = output.pos
            let consumedBefore = inputBuffer.pos
            let hint = ZSTD_decompressStream(context, &output, &inputBuffer)
            if ZSTD_isError(hint) != 0 {
                throw ImageError.malformedTar("zstd data is corrupt: \(String(cString: ZSTD_getErrorName(hint)))")
            }
            if hint == 0 {
                atFrameBoundary = true
            } else if inputBuffer.pos > consumedBefore {
                atFrameBoundary = false
            }
            if output.pos > 0 { return output.pos }
            if inputBuffer.pos == inputBuffer.size && upstreamEnded && output.pos == before {
                if atFrameBoundary { return 0 }
                throw ImageError.malformedTar("zstd stream ends in the middle of a frame (truncated layer?)")
            }
        }
    }
}
