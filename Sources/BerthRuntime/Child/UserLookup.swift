import BerthSystem

/// Resolves compose `user:` against the container's own /etc/passwd and /etc/group (read after
/// pivot_root, so the host's account database is never consulted).
struct ResolvedUser: Equatable {
    var uid: UInt32
    var gid: UInt32
    var additionalGroups: [UInt32]
    var home: String

    static func resolve(_ user: String?, passwd: String, group: String) throws(RuntimeError) -> ResolvedUser {
        let spec = user ?? "0"
        let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
        let userPart = parts.first ?? "0"
        let passwdEntries = passwd.split(separator: "\n").map {
            $0.split(separator: ":", omittingEmptySubsequences: false)
        }
        let groupEntries = group.split(separator: "\n").map {
            $0.split(separator: ":", omittingEmptySubsequences: false)
        }
        var result: ResolvedUser
        var name: String?
        if let uid = UInt32(userPart) {
            result = ResolvedUser(uid: uid, gid: uid == 0 ? 0 : uid, additionalGroups: [], home: "/")
            if let entry = passwdEntries.first(where: { $0.count >= 7 && UInt32($0[2]) == uid }) {
                result.gid = UInt32(entry[3]) ?? result.gid
                result.home = String(entry[5])
                name = String(entry[0])
            }
        } else {
            guard let entry = passwdEntries.first(where: { $0.count >= 7 && $0[0] == userPart }),
                let uid = UInt32(entry[2]), let gid = UInt32(entry[3])
            else {
                throw .setupFailed("user \"\(userPart)\" not found in the container's /etc/passwd")
            }
            result = ResolvedUser(uid: uid, gid: gid, additionalGroups: [], home: String(entry[5]))
            name = userPart
        }
        if parts.count == 2 {
            let groupPart = parts[1]
            if let gid = UInt32(groupPart) {
                result.gid = gid
            } else if let entry = groupEntries.first(where: { $0.count >= 3 && $0[0] == groupPart }),
                let gid = UInt32(entry[2])
            {
                result.gid = gid
            } else {
                throw .setupFailed("group \"\(groupPart)\" not found in the container's /etc/group")
            }
        }
        if let name {
            result.additionalGroups = groupEntries.compactMap { entry in
                guard entry.count >= 4, entry[3].split(separator: ",").contains(where: { $0 == name }) else {
                    return nil
                }
                return UInt32(entry[2])
            }.filter { $0 != result.gid }
        }
        return result
    }
}
