import BerthSession
import Foundation

extension RootOptions {
    /// The machine berth's root describes, for the commands that act on one of its stores.
    var host: LinuxHost { LinuxHost(root: resolvedRoot(environment: ProcessInfo.processInfo.environment)) }
}
