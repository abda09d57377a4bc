/// Object-capability rights with the kernel's bit values (kernel-api §2):
/// W 0x1, S 0x2, R 0x4 (implicit in every present cap), D 0x8.
public struct CapRights: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let w = CapRights(rawValue: 0x1)
    public static let s = CapRights(rawValue: 0x2)
    public static let r = CapRights(rawValue: 0x4)
    public static let d = CapRights(rawValue: 0x8)
    public static let all: CapRights = [.r, .w, .s, .d]
    /// The bits an invocation passes to the object (kernel-api §1 step 3).
    public var invocationBits: CapRights { intersection([.w, .s]) }
    public var description: String {
        var s = ""
        if contains(.r) { s += "R" }
        if contains(.w) { s += "W" }
        if contains(.s) { s += "S" }
        if contains(.d) { s += "D" }
        return s.isEmpty ? "-" : s
    }
}

/// Memory page rights (kernel-api §4.1): X 1, W 2, R 4.
public struct MemRights: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let x = MemRights(rawValue: 0x1)
    public static let w = MemRights(rawValue: 0x2)
    public static let r = MemRights(rawValue: 0x4)
    public static let all: MemRights = [.r, .w, .x]
    public var description: String {
        var s = ""
        if contains(.r) { s += "R" }
        if contains(.w) { s += "W" }
        if contains(.x) { s += "X" }
        return s.isEmpty ? "-" : s
    }
}
