import Spec

/// What one step of a trace must produce (docs/traces.md, "Expectations").
/// Every key is optional; only the keys given are compared. Objects are
/// referred to by name (scenario names or canonical `kind#index`), resolved
/// against the scenario's `NameTable` when the trace is bound and checked.
public struct Expectation: Sendable {
    /// `ok`, `blocked`, `idle`, `torn_down`, `killed`, an IPC or an L4 error name.
    public var result: String?
    /// The payload of `ok(value)`.
    public var value: Int?
    /// The thread that acted.
    public var actor: String?
    public var threads: [ThreadCheck] = []
    public var slots: [SlotCheck] = []
    public var pages: [PageCheck] = []
    public var quota: [QuotaCheck] = []
    public var running: [RunningCheck] = []
    public var queue: [QueueCheck] = []
    public var irqs: [IrqCheck] = []
    public var live: [LiveCheck] = []
    /// Line of the expectation object (not compared).
    public var line: Int?

    public init(result: String? = nil, value: Int? = nil, actor: String? = nil) {
        self.result = result
        self.value = value
        self.actor = actor
    }

    /// Fields of one thread. For `result` and `replyTo`, `.some(nil)` expects
    /// "none" (JSON null) and `nil` means "not checked".
    public struct ThreadCheck: Sendable {
        public var thread: String
        public var state: String?
        public var result: String??
        public var words: [UInt16]?
        public var label: Int?
        public var replyTo: String??
        public var live: Bool?
        public var dying: Bool?
        public var prio: Int?
        public var line: Int?
        public init(thread: String, line: Int? = nil) {
            self.thread = thread
            self.line = line
        }
    }

    /// One slot, `"task:slot"`; `expected == nil` expects an empty slot.
    public struct SlotCheck: Sendable {
        public struct Cap: Sendable {
            public var object: String?
            /// Letters of RWSD; R is implied.
            public var rights: String?
            public var server: Bool?
            public var counted: Bool?
            public init(object: String? = nil, rights: String? = nil, server: Bool? = nil, counted: Bool? = nil) {
                self.object = object
                self.rights = rights
                self.server = server
                self.counted = counted
            }
        }
        public var task: String
        public var slot: Int
        public var expected: Cap?
        public var line: Int?
        public init(task: String, slot: Int, expected: Cap?, line: Int? = nil) {
            self.task = task
            self.slot = slot
            self.expected = expected
            self.line = line
        }
    }

    /// One page, `"task:page"`; `expected == nil` expects no mapping.
    public struct PageCheck: Sendable {
        public struct Mapping: Sendable {
            public var frame: Int?
            /// Letters of RWX.
            public var rights: String?
            public init(frame: Int? = nil, rights: String? = nil) {
                self.frame = frame
                self.rights = rights
            }
        }
        public var task: String
        public var page: Int
        public var expected: Mapping?
        public var line: Int?
        public init(task: String, page: Int, expected: Mapping?, line: Int? = nil) {
            self.task = task
            self.page = page
            self.expected = expected
            self.line = line
        }
    }

    /// Units used on a factory's account.
    public struct QuotaCheck: Sendable {
        public var factory: String
        public var used: Int
        public var line: Int?
        public init(factory: String, used: Int, line: Int? = nil) {
            self.factory = factory
            self.used = used
            self.line = line
        }
    }

    /// The thread at the head of a CPU's ready list (nil = idle).
    public struct RunningCheck: Sendable {
        public var cpu: Int
        public var thread: String?
        public var line: Int?
        public init(cpu: Int, thread: String?, line: Int? = nil) {
            self.cpu = cpu
            self.thread = thread
            self.line = line
        }
    }

    /// The senders (threads or irqs) queued at a thread, in order.
    public struct QueueCheck: Sendable {
        public var thread: String
        public var senders: [String]
        public var line: Int?
        public init(thread: String, senders: [String], line: Int? = nil) {
            self.thread = thread
            self.senders = senders
            self.line = line
        }
    }

    /// An Irq's delivery state: `idle`, `queued` or `pending`.
    public struct IrqCheck: Sendable {
        public var irq: String
        public var delivery: String
        public var line: Int?
        public init(irq: String, delivery: String, line: Int? = nil) {
            self.irq = irq
            self.delivery = delivery
            self.line = line
        }
    }

    /// Whether an object is live (not deleted, not free).
    public struct LiveCheck: Sendable {
        public var object: String
        public var live: Bool
        public var line: Int?
        public init(object: String, live: Bool, line: Int? = nil) {
            self.object = object
            self.live = live
            self.line = line
        }
    }

    /// Every result name `result` accepts.
    public static let resultNames: [String] = ["ok", "blocked", "idle", "torn_down", "killed", "fault_retried"]
        + IpcError.allCases.map(\.description) + L4Error.allCases.map(\.description)

    /// The name of an outcome without its value: `ok(1)` is `ok`.
    public static func resultName(_ o: Outcome) -> String {
        if case .ok = o { return "ok" }
        return o.description
    }

    static let threadStates = ["dead", "ready", "sending", "receiving", "blocked_on_gate"]
    static let deliveries = ["idle", "queued", "pending"]
}
