/// The shape an image reference must have before the image store parses it fully at `up`
/// (BerthImage's ImageReference, which BerthModel cannot see): printable ASCII without
/// spaces, and `/`-separated components that are neither empty nor `.`/`..`, so a stack file
/// cannot smuggle a path through `image:`.
enum ImageReferenceShape {
    static func isPlausible(_ text: String) -> Bool {
        guard !text.isEmpty, text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            return false
        }
        let name = text.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)[0]
        return name.split(separator: "/", omittingEmptySubsequences: false).allSatisfy {
            !$0.isEmpty && $0 != "." && $0 != ".."
        }
    }
}
