/// What a part of the pickle reader refuses: a malformed program, a global or opcode a model file
/// may not use, an exceeded limit or an inconsistent tensor view. The parts do not know the file,
/// the archive member or the opcode's position; ``PickleMachine`` adds them
/// (``checkpointError(file:member:offset:)``).
enum PickleFault: Error, Equatable {
    /// The program is malformed (wrong operand types, stack or memo misuse, bad protocol).
    case malformed(String)
    /// The program names a global (`module.name`) outside the allow-list of ``PickleGlobal``.
    case forbiddenGlobal(String)
    /// The program uses a byte that is not one of the opcodes of ``PickleOpcode``.
    case forbiddenOpcode(UInt8)
    /// A size, depth or count exceeds a ``PickleLimits`` bound.
    case limitExceeded(what: String, limit: Int)
    /// A tensor view does not fit its storage.
    case storage(key: String, message: String)

    /// The error reported for `file`, with `member` the pickle's archive member (e.g.
    /// `archive/data.pkl`) and `offset` the byte of it where the opcode began.
    func checkpointError(file: String, member: String, offset: Int) -> CheckpointError {
        switch self {
        case .malformed(let message): .pickle(file: file, member: member, offset: offset, message: message)
        case .forbiddenGlobal(let global): .forbiddenGlobal(file: file, member: member, offset: offset, global: global)
        case .forbiddenOpcode(let byte):
            .forbiddenOpcode(file: file, member: member, offset: offset, opcode: PickleOpcode.describe(byte))
        case .limitExceeded(let what, let limit): .limitExceeded(file: file, what: what, limit: limit)
        case .storage(let key, let message): .storage(file: file, key: key, message: message)
        }
    }
}
