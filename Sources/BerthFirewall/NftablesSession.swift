import CNftables

/// One libnftables context: takes nft-syntax command buffers and runs each as one kernel
/// transaction (a batch is applied whole or not at all), with output and errors captured
/// instead of printed. A context is not thread-safe, so each firewall operation makes its own.
final class NftablesSession {
    private let context: OpaquePointer

    /// - Parameter json: listings come back as libnftables' JSON (with rule handles), the
    ///   form `RulesetListing` reads.
    init(json: Bool = false) throws(FirewallError) {
        guard let context = nft_ctx_new(UInt32(NFT_CTX_DEFAULT)) else {
            throw FirewallError("nft_ctx_new(NFT_CTX_DEFAULT) failed: libnftables could not make a context")
        }
        self.context = context
        var flags = UInt32(NFT_CTX_OUTPUT_HANDLE)
        if json { flags |= UInt32(NFT_CTX_OUTPUT_JSON) }
        nft_ctx_output_set_flags(context, flags)
        guard nft_ctx_buffer_output(context) == 0, nft_ctx_buffer_error(context) == 0 else {
            nft_ctx_free(context)
            throw FirewallError("nft_ctx_buffer_output failed: libnftables cannot capture its output")
        }
    }

    deinit { nft_ctx_free(context) }

    /// Runs `commands` (nft syntax, one transaction) and returns what nft would have printed.
    @discardableResult
    func run(_ commands: String) throws(FirewallError) -> String {
        let status = nft_run_cmd_from_buffer(context, commands)
        let output = nft_ctx_get_output_buffer(context).map { String(cString: $0) } ?? ""
        let errors = nft_ctx_get_error_buffer(context).map { String(cString: $0) } ?? ""
        guard status == 0 else {
            throw FirewallError(
                "nf_tables refused the change: \(errors.trimmed())",
                commands: commands)
        }
        return output
    }
}

extension String {
    func trimmed() -> String {
        var scalars = Substring(self)
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        return String(scalars)
    }
}
