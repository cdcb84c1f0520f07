/// What a part of the pickle reader refuses: a malformed program, an exceeded limit or an
/// inconsistent tensor view. The parts do not know the file or the opcode's position;
/// ``PickleMachine`` adds both (``checkpointError(file:offset:)``).
enum PickleFault: Error {
    /// The program is malformed (bad opcode, wrong operand types, stack or memo misuse).
    case malformed(String)
    /// A size, depth or count exceeds a ``PickleLimits`` bound.
    case limitExceeded(what: String, limit: Int)
    /// A tensor view does not fit its storage.
    case storage(key: String, message: String)

    /// The error reported for `file`, with `offset` the byte of `data.pkl` where the opcode began.
    func checkpointError(file: String, offset: Int) -> CheckpointError {
        switch self {
        case .malformed(let message): .pickle(file: file, offset: offset, message: message)
        case .limitExceeded(let what, let limit): .limitExceeded(file: file, what: what, limit: limit)
        case .storage(let key, let message): .storage(file: file, key: key, message: message)
        }
    }
}
