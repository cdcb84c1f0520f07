/// A restricted pickle interpreter for the opcodes `torch.save` emits (protocols 2–5).
///
/// It never imports or calls anything: allow-listed globals (`_rebuild_tensor_v2`,
/// `_rebuild_parameter`, `OrderedDict`, `dict`, `list`, the typed storage classes) are rebuilt
/// natively; any other global is an inert class reference whose REDUCE/NEWOBJ/BUILD only record
/// their arguments. Containers live in an arena addressed by index, so shared and cyclic references
/// cost nothing during decoding and the final tree is built in one memoised pass (linear time even
/// for hostile sharing patterns).
struct PickleMachine {
    /// What an allow-listed global does.
    enum GlobalKind: Equatable {
        case rebuildTensorV2, rebuildTensor, rebuildParameter, rebuildParameterWithState
        case orderedDict, dict, list, set, frozenset, codecsEncode
        case storageType(DType)
        case other
    }

    struct GlobalRef: Equatable {
        let module: String
        let name: String
        let kind: GlobalKind
    }

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

    enum V {
        case none
        case bool(Bool)
        case int(Int)
        case bigInt([UInt8])
        case float(Double)
        case string(String)
        case bytes([UInt8])
        case ref(Int)
        case global(GlobalRef)
        case storage(StorageRef)
        case tensor(TensorRef)
    }

    enum Kind { case list, tuple, dict, set, object }

    struct Node {
        var kind: Kind
        var cls: GlobalRef?
        var args: [V] = []
        var items: [V] = []
        var pairs: [(V, V)] = []
        var state: V?
    }

    let file: String
    let limits: PickleLimits
    /// Resolves a persistent storage id `(key, dtype, numel)` against the archive (validating it).
    let resolveStorage: (String, DType, Int) throws -> StorageRef
    /// Creates the tensor for a validated description.
    let makeTensor: (TensorRef) throws -> Tensor

    private var nodes: [Node] = []
    private var stack: [V] = []
    private var marks: [Int] = []
    private var memo: [Int: V] = [:]
    private var opOffset = 0

    init(
        file: String, limits: PickleLimits,
        resolveStorage: @escaping (String, DType, Int) throws -> StorageRef,
        makeTensor: @escaping (TensorRef) throws -> Tensor
    ) {
        self.file = file
        self.limits = limits
        self.resolveStorage = resolveStorage
        self.makeTensor = makeTensor
    }

    // MARK: - Errors

    private func fail(_ message: String) -> CheckpointError {
        .pickle(file: file, offset: opOffset, message: message)
    }

    private func limit(_ what: String, _ value: Int) -> CheckpointError {
        .limitExceeded(file: file, what: what, limit: value)
    }

    // MARK: - Stack helpers

    private mutating func push(_ value: V) throws {
        guard stack.count < limits.maxStack else { throw limit("pickle stack size", limits.maxStack) }
        stack.append(value)
    }

    private mutating func pop() throws -> V {
        guard let value = stack.popLast() else { throw fail("stack underflow") }
        if let mark = marks.last, stack.count < mark { throw fail("stack underflow past a MARK") }
        return value
    }

    private mutating func popToMark() throws -> [V] {
        guard let mark = marks.popLast() else { throw fail("no MARK on the stack") }
        guard mark <= stack.count else { throw fail("MARK beyond the stack") }
        let items = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return items
    }

    private mutating func newNode(_ node: Node) throws -> V {
        guard nodes.count < limits.maxContainers else {
            throw limit("number of pickled containers", limits.maxContainers)
        }
        nodes.append(node)
        return .ref(nodes.count - 1)
    }

    private func nodeIndex(_ value: V, _ what: String) throws -> Int {
        guard case .ref(let i) = value else { throw fail("\(what) expects a container") }
        return i
    }

    private func tupleItems(_ value: V, _ what: String) throws -> [V] {
        guard case .ref(let i) = value, nodes[i].kind == .tuple else { throw fail("\(what) expects a tuple") }
        return nodes[i].items
    }

    private func int(_ value: V, _ what: String) throws -> Int {
        switch value {
        case .int(let v): return v
        case .bool(let b): return b ? 1 : 0
        default: throw fail("\(what) must be an integer")
        }
    }

    // MARK: - Running

    /// Runs the pickle program and returns the value STOP leaves.
    mutating func run(_ bytes: UnsafeRawBufferPointer) throws -> V {
        guard bytes.count <= limits.maxPickleBytes else { throw limit("data.pkl size in bytes", limits.maxPickleBytes) }
        var r = ByteReader(bytes)
        do {
            while true {
                opOffset = r.offset
                let op = try r.u8()
                switch op {
                case 0x80:  // PROTO
                    let version = try r.u8()
                    guard version <= 5 else { throw fail("unsupported pickle protocol \(version)") }
                case 0x95:  // FRAME (framing is a hint for buffered readers; the data is contiguous here)
                    _ = try r.u64()
                case 0x2E:  // STOP
                    let result = try pop()
                    return result
                case 0x28:  // MARK
                    guard marks.count < limits.maxDepth * 4 else { throw limit("MARK nesting", limits.maxDepth * 4) }
                    marks.append(stack.count)
                case 0x30:  // POP
                    _ = try pop()
                case 0x31:  // POP_MARK
                    _ = try popToMark()
                case 0x32:  // DUP
                    guard let top = stack.last else { throw fail("stack underflow") }
                    try push(top)
                case 0x29:  // EMPTY_TUPLE
                    try push(try newNode(Node(kind: .tuple)))
                case 0x5D:  // EMPTY_LIST
                    try push(try newNode(Node(kind: .list)))
                case 0x7D:  // EMPTY_DICT
                    try push(try newNode(Node(kind: .dict)))
                case 0x8F:  // EMPTY_SET
                    try push(try newNode(Node(kind: .set)))
                case 0x74:  // TUPLE
                    let items = try popToMark()
                    try push(try newNode(Node(kind: .tuple, items: items)))
                case 0x85, 0x86, 0x87:  // TUPLE1, TUPLE2, TUPLE3
                    let n = Int(op - 0x84)
                    var items: [V] = []
                    for _ in 0..<n { items.append(try pop()) }
                    try push(try newNode(Node(kind: .tuple, items: items.reversed())))
                case 0x6C:  // LIST
                    let items = try popToMark()
                    try push(try newNode(Node(kind: .list, items: items)))
                case 0x64:  // DICT
                    let items = try popToMark()
                    try push(try newNode(Node(kind: .dict, pairs: try pairs(items))))
                case 0x91:  // FROZENSET
                    let items = try popToMark()
                    try push(try newNode(Node(kind: .set, items: items)))
                case 0x61:  // APPEND
                    let value = try pop()
                    try append([value])
                case 0x65:  // APPENDS
                    let items = try popToMark()
                    try append(items)
                case 0x90:  // ADDITEMS
                    let items = try popToMark()
                    try append(items)
                case 0x73:  // SETITEM
                    let value = try pop()
                    let key = try pop()
                    try setItems([(key, value)])
                case 0x75:  // SETITEMS
                    let items = try popToMark()
                    try setItems(try pairs(items))
                case 0x58:  // BINUNICODE
                    try push(.string(try text(&r, Int(try r.u32()))))
                case 0x8C:  // SHORT_BINUNICODE
                    try push(.string(try text(&r, Int(try r.u8()))))
                case 0x8D:  // BINUNICODE8
                    try push(.string(try text(&r, try length(try r.u64()))))
                case 0x55:  // SHORT_BINSTRING (py2 str: bytes decoded as latin-1)
                    try push(.string(try latin1(&r, Int(try r.u8()))))
                case 0x54:  // BINSTRING
                    let n = Int(try r.i32())
                    guard n >= 0 else { throw fail("negative string length") }
                    try push(.string(try latin1(&r, try length(UInt64(n)))))
                case 0x43:  // SHORT_BINBYTES
                    try push(.bytes(try raw(&r, Int(try r.u8()))))
                case 0x42:  // BINBYTES
                    try push(.bytes(try raw(&r, Int(try r.u32()))))
                case 0x8E:  // BINBYTES8
                    try push(.bytes(try raw(&r, try length(try r.u64()))))
                case 0x4B:  // BININT1
                    try push(.int(Int(try r.u8())))
                case 0x4D:  // BININT2
                    try push(.int(Int(try r.u16())))
                case 0x4A:  // BININT
                    try push(.int(Int(try r.i32())))
                case 0x8A:  // LONG1
                    try push(try long(try raw(&r, Int(try r.u8()))))
                case 0x8B:  // LONG4
                    let n = Int(try r.i32())
                    guard n >= 0 else { throw fail("negative LONG4 length") }
                    try push(try long(try raw(&r, try length(UInt64(n)))))
                case 0x47:  // BINFLOAT: 8-byte big-endian IEEE double
                    let bits = try r.load(UInt64.self).byteSwapped
                    try push(.float(Double(bitPattern: bits)))
                case 0x88: try push(.bool(true))  // NEWTRUE
                case 0x89: try push(.bool(false))  // NEWFALSE
                case 0x4E: try push(.none)  // NONE
                case 0x71:  // BINPUT
                    try put(Int(try r.u8()))
                case 0x72:  // LONG_BINPUT
                    try put(Int(try r.u32()))
                case 0x94:  // MEMOIZE
                    try put(memo.count)
                case 0x68:  // BINGET
                    try get(Int(try r.u8()))
                case 0x6A:  // LONG_BINGET
                    try get(Int(try r.u32()))
                case 0x63:  // GLOBAL
                    let module = try line(&r)
                    let name = try line(&r)
                    try push(.global(Self.classify(module: module, name: name)))
                case 0x93:  // STACK_GLOBAL
                    let nameValue = try pop()
                    let moduleValue = try pop()
                    guard case .string(let name) = nameValue, case .string(let module) = moduleValue else {
                        throw fail("STACK_GLOBAL expects two strings")
                    }
                    try push(.global(Self.classify(module: module, name: name)))
                case 0x52:  // REDUCE
                    let args = try pop()
                    let callable = try pop()
                    try push(try reduce(callable, args))
                case 0x81:  // NEWOBJ
                    let args = try pop()
                    let cls = try pop()
                    try push(try newObject(cls, args))
                case 0x92:  // NEWOBJ_EX
                    _ = try pop()  // kwargs: recorded nowhere; construction is inert anyway
                    let args = try pop()
                    let cls = try pop()
                    try push(try newObject(cls, args))
                case 0x62:  // BUILD
                    let state = try pop()
                    guard let target = stack.last else { throw fail("stack underflow") }
                    try build(target, state)
                case 0x51:  // BINPERSID
                    let pid = try pop()
                    try push(try persistentLoad(pid))
                default:
                    throw fail("unsupported opcode 0x\(String(op, radix: 16))")
                }
            }
        } catch let error as ByteReader.OutOfBounds {
            opOffset = error.offset
            throw fail("truncated (needed \(error.needed) more bytes)")
        }
    }

    // MARK: - Operand readers

    private func length(_ n: UInt64) throws -> Int {
        guard n <= UInt64(limits.maxStringBytes) else { throw limit("string or bytes length", limits.maxStringBytes) }
        return Int(n)
    }

    private func text(_ r: inout ByteReader, _ n: Int) throws -> String {
        let n = try length(UInt64(n))
        return String(decoding: try r.slice(n), as: UTF8.self)
    }

    private func latin1(_ r: inout ByteReader, _ n: Int) throws -> String {
        let n = try length(UInt64(n))
        return String(String.UnicodeScalarView(try r.slice(n).map { Unicode.Scalar($0) }))
    }

    private func raw(_ r: inout ByteReader, _ n: Int) throws -> [UInt8] {
        let n = try length(UInt64(n))
        return Array(try r.slice(n))
    }

    /// A newline-terminated operand of GLOBAL (at most 256 bytes, as Python identifiers are short).
    private func line(_ r: inout ByteReader) throws -> String {
        var bytes: [UInt8] = []
        while true {
            let b = try r.u8()
            if b == 0x0A { break }
            bytes.append(b)
            guard bytes.count <= 256 else { throw limit("GLOBAL name length", 256) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A little-endian two's-complement integer of LONG1/LONG4.
    private func long(_ bytes: [UInt8]) throws -> V {
        if bytes.isEmpty { return .int(0) }
        if bytes.count <= 8 {
            var value: UInt64 = 0
            for (i, b) in bytes.enumerated() { value |= UInt64(b) << (8 * UInt64(i)) }
            if bytes.count < 8, bytes[bytes.count - 1] & 0x80 != 0 {
                value |= ~0 << (8 * UInt64(bytes.count))  // sign-extend
            }
            return .int(Int(Int64(bitPattern: value)))
        }
        return .bigInt(bytes)
    }

    // MARK: - Memo

    private mutating func put(_ index: Int) throws {
        guard let top = stack.last else { throw fail("memo store with an empty stack") }
        if memo[index] == nil, memo.count >= limits.maxMemo { throw limit("memo entries", limits.maxMemo) }
        memo[index] = top
    }

    private mutating func get(_ index: Int) throws {
        guard let value = memo[index] else { throw fail("memo entry \(index) is not defined") }
        try push(value)
    }

    // MARK: - Containers

    private func pairs(_ items: [V]) throws -> [(V, V)] {
        guard items.count % 2 == 0 else { throw fail("odd number of items for a dict") }
        return stride(from: 0, to: items.count, by: 2).map { (items[$0], items[$0 + 1]) }
    }

    private mutating func append(_ items: [V]) throws {
        guard let target = stack.last else { throw fail("stack underflow") }
        let i = try nodeIndex(target, "APPEND")
        switch nodes[i].kind {
        case .list, .set, .object: nodes[i].items.append(contentsOf: items)
        default: throw fail("APPEND on a \(nodes[i].kind)")
        }
    }

    private mutating func setItems(_ pairs: [(V, V)]) throws {
        guard let target = stack.last else { throw fail("stack underflow") }
        let i = try nodeIndex(target, "SETITEM")
        switch nodes[i].kind {
        case .dict, .object: nodes[i].pairs.append(contentsOf: pairs)
        default: throw fail("SETITEM on a \(nodes[i].kind)")
        }
    }

    private mutating func build(_ target: V, _ state: V) throws {
        switch target {
        case .ref(let i):
            guard nodes[i].kind == .object || nodes[i].kind == .dict else {
                throw fail("BUILD on a \(nodes[i].kind)")
            }
            nodes[i].state = state
        case .tensor:
            break  // tensor subclass state (e.g. Parameter attributes) is not needed
        default:
            throw fail("BUILD on a non-object")
        }
    }

    // MARK: - Globals

    static func classify(module: String, name: String) -> GlobalRef {
        let kind: GlobalKind
        switch (module, name) {
        case ("torch._utils", "_rebuild_tensor_v2"): kind = .rebuildTensorV2
        case ("torch._utils", "_rebuild_tensor"): kind = .rebuildTensor
        case ("torch._utils", "_rebuild_parameter"): kind = .rebuildParameter
        case ("torch._utils", "_rebuild_parameter_with_state"): kind = .rebuildParameterWithState
        case ("collections", "OrderedDict"): kind = .orderedDict
        case ("builtins", "dict"), ("__builtin__", "dict"): kind = .dict
        case ("builtins", "list"), ("__builtin__", "list"): kind = .list
        case ("builtins", "set"), ("__builtin__", "set"): kind = .set
        case ("builtins", "frozenset"), ("__builtin__", "frozenset"): kind = .frozenset
        case ("_codecs", "encode"): kind = .codecsEncode
        case ("torch", _):
            kind = Self.storageDTypes[name].map { .storageType($0) } ?? .other
        default: kind = .other
        }
        return GlobalRef(module: module, name: name, kind: kind)
    }

    /// PyTorch's legacy typed storage class names (`torch.<Name>`) and their element types.
    static let storageDTypes: [String: DType] = Dictionary(
        uniqueKeysWithValues: DType.allCases.map { ($0.torchStorageName, $0) })

    private mutating func reduce(_ callable: V, _ argsValue: V) throws -> V {
        guard case .global(let global) = callable else { throw fail("REDUCE on a non-class value") }
        let args = try tupleItems(argsValue, "REDUCE")
        switch global.kind {
        case .rebuildTensorV2, .rebuildTensor:
            return try rebuildTensor(args)
        case .rebuildParameter, .rebuildParameterWithState:
            guard let first = args.first, case .tensor = first else {
                throw fail("_rebuild_parameter expects a tensor")
            }
            return first
        case .orderedDict, .dict:
            var node = Node(kind: .dict)
            if let first = args.first, case .ref(let i) = first {
                // dict(iterable of pairs)
                for item in nodes[i].items {
                    let pair = try tupleItems(item, "dict(pairs)")
                    guard pair.count == 2 else { throw fail("dict(pairs) expects 2-tuples") }
                    node.pairs.append((pair[0], pair[1]))
                }
            }
            return try newNode(node)
        case .list, .set, .frozenset:
            var node = Node(kind: global.kind == .list ? .list : .set)
            if let first = args.first, case .ref(let i) = first { node.items = nodes[i].items }
            return try newNode(node)
        case .codecsEncode:
            // _codecs.encode(text, "latin1"): how protocol 2 pickles bytes; pure data conversion.
            guard args.count >= 1, case .string(let text) = args[0] else { throw fail("_codecs.encode expects a string") }
            var bytes: [UInt8] = []
            for scalar in text.unicodeScalars {
                guard scalar.value < 256 else { throw fail("_codecs.encode: non-latin-1 character") }
                bytes.append(UInt8(scalar.value))
            }
            return .bytes(bytes)
        case .storageType, .other:
            return try newNode(Node(kind: .object, cls: global, args: args))
        }
    }

    private mutating func newObject(_ clsValue: V, _ argsValue: V) throws -> V {
        guard case .global(let global) = clsValue else { throw fail("NEWOBJ on a non-class value") }
        let args = try tupleItems(argsValue, "NEWOBJ")
        switch global.kind {
        case .orderedDict, .dict: return try newNode(Node(kind: .dict))
        case .list: return try newNode(Node(kind: .list))
        case .set, .frozenset: return try newNode(Node(kind: .set))
        default: return try newNode(Node(kind: .object, cls: global, args: args))
        }
    }

    // MARK: - Tensors

    private mutating func persistentLoad(_ pid: V) throws -> V {
        let fields = try tupleItems(pid, "persistent id")
        guard fields.count >= 5, case .string(let tag) = fields[0], tag == "storage" else {
            throw fail("persistent id is not a ('storage', type, key, location, numel) tuple")
        }
        guard case .global(let type) = fields[1], case .storageType(let dtype) = type.kind else {
            throw fail("persistent id names an unknown storage type")
        }
        let key: String
        switch fields[2] {
        case .string(let s): key = s
        case .int(let i): key = String(i)
        default: throw fail("storage key must be a string")
        }
        let numel = try int(fields[4], "storage numel")
        guard numel >= 0 else { throw fail("negative storage size") }
        return .storage(try resolveStorage(key, dtype, numel))
    }

    private func intTuple(_ value: V, _ what: String) throws -> [Int] {
        let items = try tupleItems(value, what)
        guard items.count <= limits.maxRank else { throw limit("tensor rank", limits.maxRank) }
        return try items.map { try int($0, what) }
    }

    /// `_rebuild_tensor_v2(storage, offset, size, stride, ...)`: a strided view, bounds-checked.
    private func rebuildTensor(_ args: [V]) throws -> V {
        guard args.count >= 4, case .storage(let storage) = args[0] else {
            throw fail("_rebuild_tensor_v2 expects (storage, offset, size, stride, ...)")
        }
        let offset = try int(args[1], "storage offset")
        let shape = try intTuple(args[2], "tensor size")
        let strides = try intTuple(args[3], "tensor stride")
        guard shape.count == strides.count else { throw fail("size and stride ranks differ") }
        guard offset >= 0, shape.allSatisfy({ $0 >= 0 }), strides.allSatisfy({ $0 >= 0 }) else {
            throw CheckpointError.storage(file: file, key: storage.key, message: "negative offset, size or stride")
        }
        var count = 1
        var last = offset  // highest element index touched
        for (size, stride) in zip(shape, strides) {
            let (c, o1) = count.multipliedReportingOverflow(by: size)
            guard !o1 else { throw CheckpointError.storage(file: file, key: storage.key, message: "element count overflows") }
            count = c
            if size > 0 {
                let (reach, o2) = (size - 1).multipliedReportingOverflow(by: stride)
                let (sum, o3) = last.addingReportingOverflow(reach)
                guard !o2, !o3 else {
                    throw CheckpointError.storage(file: file, key: storage.key, message: "view extent overflows")
                }
                last = sum
            }
        }
        // A view larger than its storage (stride-0 broadcast) would let a tiny file claim a huge tensor
        // that later copies would have to allocate; torch state dicts never contain one.
        if count > storage.numel {
            throw CheckpointError.storage(
                file: file, key: storage.key,
                message: "view of shape \(shape) has more elements than its \(storage.numel)-element storage")
        }
        if count > 0, last >= storage.numel {
            throw CheckpointError.storage(
                file: file, key: storage.key,
                message: "view of shape \(shape) at offset \(offset) reaches element \(last) of a \(storage.numel)-element storage")
        }
        return .tensor(TensorRef(storage: storage, offset: offset, shape: shape, strides: strides))
    }

    // MARK: - Building the value tree

    private var converted: [Int: PickleValue] = [:]
    private var inProgress: Set<Int> = []

    /// Turns a machine value into a ``PickleValue`` tree, once per container (memoised), cutting
    /// cycles with ``PickleValue/recursive``.
    mutating func tree(_ value: V, depth: Int = 0) throws -> PickleValue {
        guard depth <= limits.maxDepth else { throw limit("nesting depth", limits.maxDepth) }
        switch value {
        case .none: return .none
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .bigInt(let b): return .bigInt(b)
        case .float(let f): return .float(f)
        case .string(let s): return .string(s)
        case .bytes(let b): return .bytes(b)
        case .global(let g): return .global(module: g.module, name: g.name)
        case .tensor(let t): return .tensor(try makeTensor(t))
        case .storage(let s):
            return .tensor(try makeTensor(TensorRef(storage: s, offset: 0, shape: [s.numel], strides: [1])))
        case .ref(let i):
            if let done = converted[i] { return done }
            if inProgress.contains(i) { return .recursive }
            inProgress.insert(i)
            defer { inProgress.remove(i) }
            let node = nodes[i]
            let result: PickleValue
            switch node.kind {
            case .list: result = .list(try node.items.map { try tree($0, depth: depth + 1) })
            case .tuple: result = .tuple(try node.items.map { try tree($0, depth: depth + 1) })
            case .set: result = .set(try node.items.map { try tree($0, depth: depth + 1) })
            case .dict:
                let entries = try node.pairs.map { (key: try tree($0.0, depth: depth + 1), value: try tree($0.1, depth: depth + 1)) }
                result = .dict(PickleDict(entries: entries, state: try node.state.map { try tree($0, depth: depth + 1) }))
            case .object:
                result = .object(PickleObject(
                    module: node.cls?.module ?? "", name: node.cls?.name ?? "",
                    arguments: try node.args.map { try tree($0, depth: depth + 1) },
                    state: try node.state.map { try tree($0, depth: depth + 1) },
                    listItems: try node.items.map { try tree($0, depth: depth + 1) },
                    dictItems: try node.pairs.map { (key: try tree($0.0, depth: depth + 1), value: try tree($0.1, depth: depth + 1)) }))
            }
            converted[i] = result
            return result
        }
    }
}
