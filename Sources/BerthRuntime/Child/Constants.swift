/// Kernel constants that Swift's Glibc module does not export (they live in headers hidden
/// behind _GNU_SOURCE or are macros).
enum Kernel {
    static let cloneNewNS: Int32 = 0x0002_0000
    static let cloneNewCgroup: Int32 = 0x0200_0000
    static let cloneNewUTS: Int32 = 0x0400_0000
    static let cloneNewIPC: Int32 = 0x0800_0000
    static let cloneNewPID: Int32 = 0x2000_0000
    static let cloneNewNet: Int32 = 0x4000_0000

    static let msRdonly: UInt = 1
    static let msNosuid: UInt = 2
    static let msNodev: UInt = 4
    static let msNoexec: UInt = 8
    static let msRemount: UInt = 32
    static let msBind: UInt = 4096
    static let msRec: UInt = 16384
    static let msPrivate: UInt = 1 << 18
    static let msSlave: UInt = 1 << 19
    static let msStrictatime: UInt = 1 << 24
    static let mntDetach: Int32 = 2

    static let prSetDumpable: Int32 = 4
    static let prSetKeepcaps: Int32 = 8
    static let prCapbsetDrop: Int32 = 24
    static let prSetNoNewPrivs: Int32 = 38
    static let prCapAmbient: Int32 = 47
    static let prCapAmbientClearAll: UInt = 4
    static let closeRangeCloexec: UInt32 = 4
    static let oPath: Int32 = 0o10_000_000
}
