#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Keeps a long-lived idle process (the per-container supervisor) small.
public enum ResidentMemory {
    /// Unmaps the resident pages of executable file mappings: start-up code that an
    /// idle monitor no longer runs. Text is never written (no TEXTREL in PIE binaries), so the
    /// kernel simply faults pages back in from the page cache when they are needed again.
    /// Writable and RELRO mappings are left alone: dropping those would lose data.
    public static func releaseIdleText() {
        guard let file = fopen("/proc/self/maps", "r") else { return }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 4096)
        var ranges: [(UInt, UInt)] = []
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let fields = text.split(separator: " ", omittingEmptySubsequences: true)
            // Text, and the read-only head of each file (ELF headers, symbols, relocation
            // tables: read by the loader, never written; RELRO lies after the text).
            let droppable =
                fields.count >= 6 && fields[5].hasPrefix("/")
                && (fields[1] == "r-xp" || (fields[1] == "r--p" && fields[2].allSatisfy { $0 == "0" }))
            guard droppable else { continue }
            let bounds = fields[0].split(separator: "-")
            guard bounds.count == 2, let start = UInt(bounds[0], radix: 16), let end = UInt(bounds[1], radix: 16)
            else { continue }
            ranges.append((start, end))
        }
        for (start, end) in ranges {
            _ = madvise(UnsafeMutableRawPointer(bitPattern: start), Int(end - start), MADV_DONTNEED)
        }
    }
}
