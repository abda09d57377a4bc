/// The user thread control block (kernel-api §1, amd64 `utcb.h`): 128 words.
/// MR0–MR62 at words 0–62, one reserved word (63), the buffer descriptor BDR
/// at word 64, BR0–BR57 at words 65–122, then the TCRs (`error`,
/// `free_marker`, three user words) at 123–127. The kernel keeps each
/// thread's UTCB itself (ku-memory placement is not modelled). Accessors are
/// bounds-checked: reads outside a register file give 0, writes are ignored,
/// so no user-supplied index can trap.
public struct Utcb: Hashable, Sendable {
    public static let wordCount = 128
    public static let messageRegisters = 63
    public static let bufferRegisters = 58
    static let bdrWord = 64
    static let firstBufferWord = 65
    static let errorWord = 123
    static let freeMarkerWord = 124
    static let firstUserWord = 125

    private var raw: [UInt64]

    public init() { raw = Array(repeating: 0, count: Utcb.wordCount) }

    /// A UTCB from its 128-word image; missing words read as 0, extra words are dropped.
    public init(words: [UInt64]) {
        raw = Array(words.prefix(Utcb.wordCount))
        raw += Array(repeating: 0, count: Utcb.wordCount - raw.count)
    }

    /// The 128-word image.
    public var words: [UInt64] { raw }

    /// Message register `i` (0–62).
    public subscript(mr i: Int) -> UInt64 {
        get { i >= 0 && i < Utcb.messageRegisters ? raw[i] : 0 }
        set { if i >= 0 && i < Utcb.messageRegisters { raw[i] = newValue } }
    }

    /// Buffer register `i` (0–57).
    public subscript(br i: Int) -> UInt64 {
        get { i >= 0 && i < Utcb.bufferRegisters ? raw[Utcb.firstBufferWord + i] : 0 }
        set { if i >= 0 && i < Utcb.bufferRegisters { raw[Utcb.firstBufferWord + i] = newValue } }
    }

    /// User TCR `i` (0–2).
    public subscript(user i: Int) -> UInt64 {
        get { i >= 0 && i < 3 ? raw[Utcb.firstUserWord + i] : 0 }
        set { if i >= 0 && i < 3 { raw[Utcb.firstUserWord + i] = newValue } }
    }

    /// The buffer descriptor register (kernel-api §4.3).
    public var bdr: UInt64 {
        get { raw[Utcb.bdrWord] }
        set { raw[Utcb.bdrWord] = newValue }
    }

    /// The IPC error TCR (kernel-api §6.9).
    public var error: UInt64 {
        get { raw[Utcb.errorWord] }
        set { raw[Utcb.errorWord] = newValue }
    }

    /// Written 0 by the kernel once it no longer touches a dead thread's UTCB (§3.2).
    public var freeMarker: UInt64 {
        get { raw[Utcb.freeMarkerWord] }
        set { raw[Utcb.freeMarkerWord] = newValue }
    }
}
