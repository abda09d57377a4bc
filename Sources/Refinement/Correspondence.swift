import KernelImpl
import Spec

/// Which implementation object stands for which spec object (DESIGN §8).
/// Both sides allocate the lowest free table entry, but they need not free
/// entries at the same moment, so the pairing is kept explicitly instead of
/// assuming equal indices: boot pairs the objects it builds, and after every
/// step a newly created object of one side is paired with the newly created
/// object of the same kind on the other (a step creates at most one object
/// per kind: one factory `create`, kernel-api §3.4). A pair is dropped once
/// both entries are free again. Memory mappings need no pairing: an
/// implementation mapping-database node is identified by the (task, page) it
/// maps, which is exactly the spec's node (kernel-api §5.1).
public struct Correspondence: Sendable, Equatable {
    /// Spec object → implementation index, per spec kind (`SpecKind.rawValue`), by spec index; -1 = none.
    private var toImpl: [[Int]] = Correspondence.table { $0.capacity }
    /// Implementation object → spec index, per implementation kind, by table index; -1 = none (grown on demand).
    private var toSpec: [[Int]] = Correspondence.table { _ in 0 }

    public init() {}

    /// One row per kind raw value (1...6), row 0 unused.
    private static func table(_ size: (SpecKind) -> Int) -> [[Int]] {
        [[]] + SpecKind.allCases.map { Array(repeating: -1, count: size($0)) }
    }

    mutating func pair(_ ref: ObjectRef, _ id: ObjectID) {
        let k = Int(id.kind.rawValue), i = id.index
        if toSpec[k].count <= i { toSpec[k] += Array(repeating: -1, count: i + 1 - toSpec[k].count) }
        toImpl[Int(ref.kind.rawValue)][Int(ref.index)] = i
        toSpec[k][i] = Int(ref.index)
    }

    private mutating func unpair(_ ref: ObjectRef, _ id: ObjectID) {
        toImpl[Int(ref.kind.rawValue)][Int(ref.index)] = -1
        toSpec[Int(id.kind.rawValue)][id.index] = -1
    }

    public func impl(_ ref: ObjectRef) -> ObjectID? {
        if ref.kind == .scheduler { return .scheduler }
        // Subscripted in place: binding a row to a local would retain and release it.
        let k = Int(ref.kind.rawValue), i = Int(ref.index)
        guard i < toImpl[k].count, toImpl[k][i] >= 0 else { return nil }
        return ObjectID(Vocabulary.implKind(ref.kind), toImpl[k][i])
    }

    public func spec(_ id: ObjectID) -> ObjectRef? {
        if id.kind == .scheduler { return .scheduler }
        let k = Int(id.kind.rawValue)
        guard id.index >= 0, id.index < toSpec[k].count, toSpec[k][id.index] >= 0 else { return nil }
        return ObjectRef(Vocabulary.specKind(id.kind), toSpec[k][id.index])
    }

    /// The spec object an implementation table entry stands for.
    func spec(_ kind: ImplKind, _ index: Int) -> ObjectRef? { spec(ObjectID(kind, index)) }

    /// Follows the objects created and freed by one step (see the type
    /// comment): pairs are dropped once both entries are free; new objects
    /// are paired by kind in index order on both sides.
    mutating func update(spec s: KernelState, impl k: Kernel) {
        for kind in SpecKind.allCases where kind != .scheduler {
            let ik = Vocabulary.implKind(kind)
            var unpaired = false
            for i in 0..<kind.capacity {
                let ref = ObjectRef(kind, i)
                let free = s.life(of: ref) == .free
                if let id = impl(ref) {
                    if free && k.lifetime(of: id) == .free { unpair(ref, id) }
                } else if !free {
                    unpaired = true
                }
            }
            guard unpaired else { continue }
            var j = 0
            let n = k.capacity(of: ik)
            for i in 0..<kind.capacity {
                let ref = ObjectRef(kind, i)
                guard s.life(of: ref) != .free, impl(ref) == nil else { continue }
                while j < n && (k.lifetime(of: ObjectID(ik, j)) == .free || spec(ik, j) != nil) { j += 1 }
                guard j < n else { break }
                pair(ref, ObjectID(ik, j))
                j += 1
            }
        }
    }
}
