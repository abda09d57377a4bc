/// Frontier compression for byte-plain states (DESIGN §5): a state is stored
/// as its XOR against a reference state (usually the initial one), run-length
/// coded as tokens `zeros: UInt8, count: UInt8, count literal bytes`. Reachable
/// kernel states differ from the initial one in a few dozen of their ~530
/// bytes, so a frontier state costs tens of bytes instead of hundreds.
enum XorRunLength {
    /// Worst case (alternating zero and non-zero bytes): 3 bytes per 2.
    static func maxBytes(_ n: Int) -> Int { n * 2 + 8 }

    static func encode(_ x: UnsafeRawBufferPointer, reference r: UnsafeRawBufferPointer, into out: UnsafeMutableRawPointer) -> Int {
        let n = x.count
        var i = 0, o = 0
        while i < n {
            var zeros = 0
            while i < n {
                if i + 8 <= n, x.loadUnaligned(fromByteOffset: i, as: UInt64.self) == r.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
                    i += 8; zeros += 8
                } else if x[i] == r[i] {
                    i += 1; zeros += 1
                } else { break }
            }
            while zeros > 255 {
                out.storeBytes(of: 255, toByteOffset: o, as: UInt8.self)
                out.storeBytes(of: 0, toByteOffset: o + 1, as: UInt8.self)
                o += 2; zeros -= 255
            }
            var count = 0
            while i + count < n && count < 255 && x[i + count] != r[i + count] { count += 1 }
            out.storeBytes(of: UInt8(zeros), toByteOffset: o, as: UInt8.self)
            out.storeBytes(of: UInt8(count), toByteOffset: o + 1, as: UInt8.self)
            o += 2
            for k in 0..<count { out.storeBytes(of: x[i + k] ^ r[i + k], toByteOffset: o + k, as: UInt8.self) }
            o += count; i += count
        }
        return o
    }

    /// Applies an encoding to `target`, which holds a copy of the reference.
    static func decode(_ code: UnsafeRawBufferPointer, into target: UnsafeMutableRawBufferPointer) {
        var i = 0, o = 0
        while o + 1 < code.count {
            i += Int(code[o])
            let count = Int(code[o + 1])
            o += 2
            for k in 0..<count where i + k < target.count && o + k < code.count { target[i + k] ^= code[o + k] }
            i += count; o += count
        }
    }
}

extension StateCodec where State: BitwiseCopyable & Sendable {
    /// States stored as XOR-run-length differences from `reference`.
    /// `prepare` may blank fields that need not survive the frontier (caches).
    public static func difference(from reference: State, prepare: @escaping @Sendable (State) -> State = { $0 }) -> StateCodec<State> {
        let size = MemoryLayout<State>.size
        let ref = prepare(reference)
        return StateCodec(maxBytes: XorRunLength.maxBytes(size),
                          encode: { s, out in
                              let p = prepare(s)
                              return withUnsafeBytes(of: p) { x in
                                  withUnsafeBytes(of: ref) { r in XorRunLength.encode(x, reference: r, into: out) }
                              }
                          },
                          decode: { code in
                              var s = ref
                              withUnsafeMutableBytes(of: &s) { XorRunLength.decode(code, into: $0) }
                              return s
                          })
    }
}
