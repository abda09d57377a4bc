/// The scheduler object (kernel-api §3.5, `L4_PROTO_SCHEDULER`): run_thread.
/// Holding the scheduler cap is the privilege: no rights are checked.
extension Kernel {
    mutating func schedulerRpc(_ t: Int, cpu: Int) -> RpcResult {
        let req = request(t)
        guard req.label == Proto.scheduler else { return .fail(.ebadproto) }
        guard req.words > 0 else { return .fail(.emsgtooshort) }
        guard req.mr(0) == 1 else { return .fail(.enosys) }    // info / idle_time: not implemented
        do { return .done(try runThread(t, onCpu: cpu, req)) } catch { return error.result }
    }

    /// `run_thread` with the legacy `l4_sched_param_t`: MR1 CPU-set
    /// granularity (bits 24–31) | offset (bits 0–23), MR2 CPU bitmap, MR3
    /// priority, MR4 quantum (time slices are not modelled: every tick ends
    /// one). Fewer than 5 words or no thread item → `-EINVAL`; priority 0 →
    /// `-EINVAL`, above 255 clamped. A ready target goes to the front of its
    /// (new) level and the caller reschedules (§9).
    private mutating func runThread(_ t: Int, onCpu current: Int, _ req: Request) throws(RpcError) -> RpcReply {
        guard req.words >= 5 else { throw .l4(.einval) }
        let (thread, _) = try objectArgument(t, req, kind: .thread)
        let prio = req.mr(3)
        guard prio > 0 else { throw .l4(.einval) }
        guard let cpu = homeCpu(thread.index, set: req.mr(1), map: req.mr(2), caller: current) else { throw .l4(.einval) }
        let x = thread.index
        threads[x].prio = Int(min(prio, 255))
        threads[x].cpu = cpu
        if threads[x].state == .ready { readyEnqueue(x, front: true) }
        return RpcReply()
    }

    /// §3.5: keep the current home CPU if allowed, else the caller's CPU if
    /// allowed, else the first allowed present CPU; nil when none is allowed.
    func homeCpu(_ x: Int, set: UInt64, map: UInt64, caller: Int) -> Int? {
        let offset = Int(set & 0xFF_FFFF), granularity = Int((set >> 24) & 0xFF)
        func allowed(_ c: Int) -> Bool {
            guard c >= offset, c < config.cpus, granularity < 64 else { return false }
            let bit = (c - offset) >> granularity
            return bit < 64 && map & (UInt64(1) << UInt64(bit)) != 0
        }
        if let home = threads[x].cpu, allowed(home) { return home }
        if allowed(caller) { return caller }
        return (0..<config.cpus).first(where: allowed)
    }
}
