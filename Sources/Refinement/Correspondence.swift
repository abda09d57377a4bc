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
    private(set) var toImpl: [ObjectRef: ObjectID] = [:]
    private(set) var toSpec: [ObjectID: ObjectRef] = [:]

    public init() {}

    mutating func pair(_ ref: ObjectRef, _ id: ObjectID) {
        toImpl[ref] = id
        toSpec[id] = ref
    }

    public func impl(_ ref: ObjectRef) -> ObjectID? {
        ref.kind == .scheduler ? .scheduler : toImpl[ref]
    }

    public func spec(_ id: ObjectID) -> ObjectRef? {
        id.kind == .scheduler ? .scheduler : toSpec[id]
    }

    /// The spec object an implementation table entry stands for.
    func spec(_ kind: ImplKind, _ index: Int) -> ObjectRef? { spec(ObjectID(kind, index)) }

    /// Follows the objects created and freed by one step (see the type comment).
    mutating func update(spec s: KernelState, impl k: Kernel) {
        for kind in SpecKind.allCases where kind != .scheduler {
            let ik = Vocabulary.implKind(kind)
            for (ref, id) in toImpl where ref.kind == kind && s.life(of: ref) == .free && k.lifetime(of: id) == .free {
                toImpl[ref] = nil
                toSpec[id] = nil
            }
            let newSpec = (0..<kind.capacity).map { ObjectRef(kind, $0) }.filter { s.life(of: $0) != .free && toImpl[$0] == nil }
            let newImpl = k.objects(ik).map { ObjectID(ik, $0) }.filter { toSpec[$0] == nil }
            for (ref, id) in zip(newSpec, newImpl) { pair(ref, id) }
        }
    }
}
