/// Flexpages, typed send items and receive buffers (kernel-api §4.1–§4.3).

/// A flexpage word (kernel-api §4.1): rights 0–3, type 4–5, order 6–11, base 12..
public struct Fpage: Hashable, Sendable {
    public enum Kind: UInt64, Sendable { case special = 0, memory = 1, io = 2, object = 3 }

    public var raw: UInt64
    public init(raw: UInt64) { self.raw = raw }

    /// A memory flexpage of `2^order` bytes at `address` (order ≥ 12 to map anything).
    public static func memory(address: UInt64, order: Int, rights: UInt64) -> Fpage {
        Fpage(raw: (address & ~0xFFF) | UInt64(order & 0x3F) << 6 | Kind.memory.rawValue << 4 | (rights & 0xF))
    }

    /// An object flexpage of `2^order` capability slots from `index`.
    public static func object(index: Int, order: Int = 0, rights: UInt64) -> Fpage {
        Fpage(raw: Abi.selector(index) | UInt64(order & 0x3F) << 6 | Kind.object.rawValue << 4 | (rights & 0xF))
    }

    /// `l4_fpage_all()`: type 0, order 63 — "all spaces" (receive window, unmap argument).
    public static let allSpaces = Fpage(raw: 63 << 6)

    public var rights: UInt64 { raw & 0xF }
    public var kind: Kind { Kind(rawValue: (raw >> 4) & 0x3) ?? .special }
    public var order: Int { Int((raw >> 6) & 0x3F) }
    public var isNil: Bool { raw == 0 }
    public var isAllSpaces: Bool { kind == .special && order == 63 }
    /// The base in units of the space: page number (memory), capability index (objects).
    var unitBase: UInt64 { raw >> 12 }
    /// The order in units of the space (memory: pages of 4 KiB), nil when the
    /// flexpage is smaller than one unit (memory order < 12 maps nothing, §4.1).
    var unitOrder: Int? {
        switch kind {
        case .memory: order >= 12 ? order - 12 : nil
        case .object, .io: order
        case .special: isAllSpaces ? 52 : nil
        }
    }
}

/// Object capability rights (kernel-api §2) and memory rights (§4.1).
public enum Rights {
    public static let w: UInt8 = 0x1
    public static let s: UInt8 = 0x2
    public static let r: UInt8 = 0x4
    public static let d: UInt8 = 0x8
    public static let all: UInt8 = 0xF
    public static let memX: UInt8 = 0x1
    public static let memW: UInt8 = 0x2
    public static let memR: UInt8 = 0x4
    public static let memAll: UInt8 = 0x7
}

/// Word 0 of a typed send item (kernel-api §4.2, `l4_map_control`).
public enum SendItem {
    /// `L4_ITEM_MAP`: must be set; word 0 == 0 is a void item.
    public static let map: UInt64 = 0x8
    /// `L4_ITEM_CONT`: the next item of the same type reuses the buffer.
    public static let cont: UInt64 = 0x1
    /// `L4_MAP_ITEM_GRANT`: move instead of copy (kernel-api §4.7).
    public static let grant: UInt64 = 0x2
    /// `L4_FPAGE_C_NO_REF_CNT`: a weak copy.
    public static let noRefCount: UInt64 = 0x10
    /// `L4_FPAGE_C_IPCGATE_SVR`: keep the gate server view.
    public static let gateServer: UInt64 = 0x20

    /// A send item's control word with hot spot `sendBase` (a selector or address).
    public static func control(sendBase: UInt64 = 0, grant: Bool = false, attributes: UInt64 = 0, compound: Bool = false) -> UInt64 {
        (sendBase & ~0xFFF) | (attributes & 0xF0) | map | (grant ? SendItem.grant : 0) | (compound ? cont : 0)
    }

    /// Return item result types in bits 1–2 (kernel-api §4.3).
    public static let resultNothingMapped: UInt64 = 2
    public static let resultLocalId: UInt64 = 4
    public static let resultFlexpage: UInt64 = 6
}

/// Receive buffer items (kernel-api §4.3).
public enum RcvItem {
    /// `L4_RCV_ITEM_FORWARD_MAPPINGS`: a further word names the destination task.
    public static let forwardMappings: UInt64 = 0x1
    /// `L4_RCV_ITEM_SINGLE_CAP`: one word naming a single object slot.
    public static let singleCap: UInt64 = 0x2
    /// `L4_RCV_ITEM_LOCAL_ID`: prefer a local id (only with SINGLE_CAP).
    public static let localId: UInt64 = 0x4

    /// A one-word buffer for one capability at `index`.
    public static func singleCap(index: Int, localId: Bool = false) -> UInt64 {
        Abi.selector(index) | SendItem.map | RcvItem.singleCap | (localId ? RcvItem.localId : 0)
    }
}

/// The buffer descriptor (kernel-api §4.3): first memory buffer (bits 0–4),
/// first I/O buffer (5–9), first object buffer (10–14).
public enum BufferDescriptor {
    public static func make(memory: Int = 0, io: Int = 0, object: Int = 0) -> UInt64 {
        UInt64(memory & 0x1F) | UInt64(io & 0x1F) << 5 | UInt64(object & 0x1F) << 10
    }
    static func start(_ bdr: UInt64, _ kind: Fpage.Kind) -> Int {
        switch kind {
        case .memory: Int(bdr & 0x1F)
        case .io: Int((bdr >> 5) & 0x1F)
        case .object, .special: Int((bdr >> 10) & 0x1F)
        }
    }
}

/// `l4_unmap_flags_t` (kernel-api §5.1, §5.2).
public enum UnmapMask {
    public static let otherSpaces: UInt64 = 0
    public static let allSpaces: UInt64 = 0x8000_0000
    public static let deleteObject: UInt64 = 0xC000_0000
}
