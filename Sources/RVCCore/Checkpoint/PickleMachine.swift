/// A restricted pickle interpreter for the opcodes `torch.save` emits (protocols 2–5).
///
/// It never imports or calls anything: the globals ``PickleGlobal`` rebuilds are made natively, the
/// allow-listed data classes are inert references whose REDUCE/NEWOBJ/BUILD only record their
/// arguments, and a program that names any other global, or uses a byte outside ``PickleOpcode``,
/// is refused as a whole (``CheckpointError/forbiddenGlobal(file:member:offset:global:)``,
/// ``CheckpointError/forbiddenOpcode(file:member:offset:opcode:)``).
///
/// This type is the dispatch loop; its parts are ``PickleInstruction`` (the opcodes of
/// ``PickleOpcode`` and their operands), ``PickleStack`` (the stack, its marks and the memo) and
/// ``PickleArena`` (the containers, addressed by index, so shared and cyclic references cost
/// nothing during decoding and the final tree is built in one memoised pass). Every part is
/// bounded by ``PickleLimits``.
struct PickleMachine {
    /// A typed storage resolved against the archive.
    struct StorageRef {
        let key: String
        let dtype: DType
        /// Number of elements in the whole storage.
        let numel: Int
    }

    /// A tensor description: a strided view of a storage (offset and strides in elements).
    struct TensorRef {
        let storage: StorageRef
        let offset: Int
        let shape: [Int]
        let strides: [Int]
    }

    /// A value on the machine's stack.
    enum Value {
        /// Plain data: a literal, or bytes from `_codecs.encode`.
        case data(PickleValue)
        /// A container in the ``PickleArena``.
        case ref(Int)
        case global(PickleGlobal)
        case storage(StorageRef)
        case tensor(TensorRef)

        /// The value as an integer (bools count as 0/1); `what` names it in the fault.
        func integer(_ what: String) throws -> Int {
            guard case .data(let data) = self, let value = data.intValue else {
                throw PickleFault.malformed("\(what) must be an integer")
            }
            return value
        }
    }

    let file: String
    /// The archive member holding the program (e.g. `archive/data.pkl`), for messages.
    let member: String
    let limits: PickleLimits
    /// Resolves a persistent storage id `(key, dtype, numel)` against the archive (validating it).
    let resolveStorage: (String, DType, Int) throws -> StorageRef
    /// Creates the tensor for a validated description.
    let makeTensor: (TensorRef) throws -> Tensor

    private var stack: PickleStack
    private var arena: PickleArena
    private var opOffset = 0
    /// Bytes of the program read when STOP was reached (where a following pickle would start).
    private(set) var consumed = 0

    init(
        file: String, member: String, limits: PickleLimits,
        resolveStorage: @escaping (String, DType, Int) throws -> StorageRef,
        makeTensor: @escaping (TensorRef) throws -> Tensor
    ) {
        self.file = file
        self.member = member
        self.limits = limits
        self.resolveStorage = resolveStorage
        self.makeTensor = makeTensor
        stack = PickleStack(limits: limits)
        arena = PickleArena(limits: limits)
    }

    // MARK: - Running

    /// Runs the pickle program and returns the value STOP leaves.
    mutating func run(_ bytes: UnsafeRawBufferPointer) throws -> Value {
        guard bytes.count <= limits.maxPickleBytes else {
            throw CheckpointError.limitExceeded(
                file: file, what: "\(CheckpointError.printable(member)) size in bytes", limit: limits.maxPickleBytes)
        }
        var r = ByteReader(bytes)
        do {
            while true {
                opOffset = r.offset
                if let result = try execute(try PickleInstruction.read(from: &r, limits: limits)) {
                    consumed = r.offset
                    return result
                }
            }
        } catch let error as ByteReader.OutOfBounds {
            opOffset = error.offset
            throw PickleFault.malformed("truncated (needed \(error.needed) more bytes)")
                .checkpointError(file: file, member: member, offset: opOffset)
        } catch let fault as PickleFault {
            throw fault.checkpointError(file: file, member: member, offset: opOffset)
        }
    }

    /// Carries out one instruction; the result when it is STOP.
    private mutating func execute(_ instruction: PickleInstruction) throws -> Value? {
        switch instruction {
        case .proto, .frame:
            break
        case .stop:
            return try stack.pop()
        case .mark:
            try stack.mark()
        case .pop:
            _ = try stack.pop()
        case .popMark:
            _ = try stack.popToMark()
        case .dup:
            try stack.dup()
        case .empty(let kind):
            try stack.push(try arena.add(PickleArena.Node(kind: kind)))
        case .tuple:
            let items = try stack.popToMark()
            try stack.push(try arena.add(PickleArena.Node(kind: .tuple, items: items)))
        case .smallTuple(let count):
            let items = try stack.pop(count)
            try stack.push(try arena.add(PickleArena.Node(kind: .tuple, items: items)))
        case .list:
            let items = try stack.popToMark()
            try stack.push(try arena.add(PickleArena.Node(kind: .list, items: items)))
        case .dict:
            let items = try stack.popToMark()
            try stack.push(try arena.add(PickleArena.Node(kind: .dict, pairs: try PickleArena.pairs(items))))
        case .frozenset:
            let items = try stack.popToMark()
            try stack.push(try arena.add(PickleArena.Node(kind: .set, items: items)))
        case .append:
            let value = try stack.pop()
            try arena.append([value], to: try stack.top())
        case .appends, .addItems:
            let items = try stack.popToMark()
            try arena.append(items, to: try stack.top())
        case .setItem:
            let value = try stack.pop()
            let key = try stack.pop()
            try arena.setItems([(key, value)], on: try stack.top())
        case .setItems:
            let items = try stack.popToMark()
            try arena.setItems(try PickleArena.pairs(items), on: try stack.top())
        case .literal(let value):
            switch value {
            case .string(let text): try arena.charge(text.utf8.count)
            case .bytes(let bytes), .bigInt(let bytes): try arena.charge(bytes.count)
            default: break
            }
            try stack.push(.data(value))
        case .put(let index):
            try stack.memoize(at: index)
        case .memoize:
            try stack.memoize()
        case .get(let index):
            try stack.recall(index)
        case .global(let module, let name):
            try stack.push(.global(try PickleGlobal.allowed(module: module, name: name)))
        case .stackGlobal:
            let nameValue = try stack.pop()
            let moduleValue = try stack.pop()
            guard case .data(.string(let name)) = nameValue, case .data(.string(let module)) = moduleValue else {
                throw PickleFault.malformed("STACK_GLOBAL expects two strings")
            }
            try stack.push(.global(try PickleGlobal.allowed(module: module, name: name)))
        case .reduce:
            let args = try stack.pop()
            let callable = try stack.pop()
            guard case .global(let global) = callable else { throw PickleFault.malformed("REDUCE on a non-class value") }
            let items = try arena.tupleItems(args, "REDUCE")
            try stack.push(try global.reduce(items, in: &arena))
        case .newObj:
            let args = try stack.pop()
            let cls = try stack.pop()
            try stack.push(try newObject(cls, args))
        case .newObjEx:
            _ = try stack.pop()  // kwargs: recorded nowhere; construction is inert anyway
            let args = try stack.pop()
            let cls = try stack.pop()
            try stack.push(try newObject(cls, args))
        case .build:
            let state = try stack.pop()
            try arena.build(try stack.top(), state: state)
        case .binPersID:
            let pid = try stack.pop()
            try stack.push(try persistentLoad(pid))
        }
        return nil
    }

    private mutating func newObject(_ clsValue: Value, _ argsValue: Value) throws -> Value {
        guard case .global(let global) = clsValue else { throw PickleFault.malformed("NEWOBJ on a non-class value") }
        let args = try arena.tupleItems(argsValue, "NEWOBJ")
        return try global.newObject(args, in: &arena)
    }

    /// BINPERSID: a `('storage', type, key, location, numel)` id, resolved against the archive.
    private func persistentLoad(_ pid: Value) throws -> Value {
        let fields = try arena.tupleItems(pid, "persistent id")
        guard fields.count >= 5, case .data(.string(let tag)) = fields[0], tag == "storage" else {
            throw PickleFault.malformed("persistent id is not a ('storage', type, key, location, numel) tuple")
        }
        guard case .global(let type) = fields[1], case .storageType(let dtype) = type.kind else {
            throw PickleFault.malformed("persistent id names an unknown storage type")
        }
        let key: String
        switch fields[2] {
        case .data(.string(let s)): key = s
        case .data(.int(let i)): key = String(i)
        default: throw PickleFault.malformed("storage key must be a string")
        }
        let numel = try fields[4].integer("storage numel")
        guard numel >= 0 else { throw PickleFault.malformed("negative storage size") }
        return .storage(try resolveStorage(key, dtype, numel))
    }

    // MARK: - Building the value tree

    /// Turns a machine value into a ``PickleValue`` tree (see ``PickleArena/tree(_:depth:makeTensor:)``).
    mutating func tree(_ value: Value) throws -> PickleValue {
        do {
            return try arena.tree(value, makeTensor: makeTensor)
        } catch let fault as PickleFault {
            throw fault.checkpointError(file: file, member: member, offset: opOffset)
        }
    }
}
