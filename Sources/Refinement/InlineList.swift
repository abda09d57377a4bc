import Spec

/// A short list kept inline, without heap storage, so that the abstract
/// records (`AbstractState`) copy and compare without allocation or
/// reference counting — the per-step comparison of `refine` builds two
/// abstract states after every event (docs/performance.md, `bench refine`).
/// Holds up to `N` entries; entries beyond are counted but not kept, so a
/// list that overflowed never equals one that did not. Every list of the
/// model fits: slots and pages within their bounds (`Capacity.slotsPerTask`,
/// `Capacity.pagesPerTask`), queues within threads + Irqs.
public struct InlineList<let N: Int, Element: Equatable & Sendable>: RandomAccessCollection, Equatable, Sendable {
    private var items: InlineArray<N, Element>
    /// Entries appended, including any beyond `N`.
    public private(set) var appended = 0

    /// An empty list; `filler` only initialises the unused storage.
    public init(filler: Element) { items = InlineArray(repeating: filler) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { Swift.min(appended, N) }
    public subscript(i: Int) -> Element { items[i] }

    public mutating func append(_ e: Element) {
        if appended < N { items[appended] = e }
        appended += 1
    }

    public static func == (a: Self, b: Self) -> Bool {
        guard a.appended == b.appended else { return false }
        for i in a.indices where a[i] != b[i] { return false }
        return true
    }
}

extension InlineList: CustomStringConvertible {
    public var description: String { "\(Array(self))" }
}

extension InlineList: ExpressibleByArrayLiteral where Element == ObjectRef {
    public init() { self.init(filler: .scheduler) }
    public init(_ refs: some Sequence<ObjectRef>) {
        self.init()
        for r in refs { append(r) }
    }
    public init(arrayLiteral refs: ObjectRef...) { self.init(refs) }
}

/// Queues of threads and Irqs (senders, gate waiters).
public typealias RefList = InlineList<16, ObjectRef>
