/// A global (class or function) a pickle names by module and name, classified against the
/// allow-list of what a checkpoint may name.
///
/// Nothing is imported or called. The allow-list has two parts: the globals rebuilt natively by
/// ``reduce(_:in:)`` and ``newObject(_:in:)`` (`_rebuild_tensor_v2`, `_rebuild_parameter`,
/// `OrderedDict`, `dict`, `list`, `set`, `frozenset`, `_codecs.encode`, the typed storage classes),
/// and the plain-data classes of ``dataClasses`` whose instances are inert records of their
/// arguments and state (fairseq's `Dictionary`, `argparse.Namespace`, omegaconf containers, builtin
/// scalar types, torch dtypes). Any other global is ``Kind/forbidden``: ``PickleMachine`` refuses the
/// whole file when its pickle names one, since no model file needs it and a general unpickler
/// would call it.
struct PickleGlobal: Equatable {
    /// What an allow-listed global does.
    enum Kind: Equatable {
        case rebuildTensorV2, rebuildTensor, rebuildParameter, rebuildParameterWithState
        case orderedDict, dict, list, set, frozenset, codecsEncode
        case storageType(DType)
        /// A plain-data class or type of ``PickleGlobal/dataClasses``: REDUCE, NEWOBJ and BUILD
        /// only record their arguments and state.
        case dataClass
        /// Not on the allow-list: a pickle naming it is refused.
        case forbidden
    }

    let module: String
    let name: String
    let kind: Kind

    /// `module.name`, classified against the allow-list.
    init(module: String, name: String) {
        let kind: Kind
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
        default:
            if module == "torch", let dtype = Self.storageDTypes[name] {
                kind = .storageType(dtype)
            } else {
                kind = Self.dataClasses.contains("\(module).\(name)") ? .dataClass : .forbidden
            }
        }
        self.module = module
        self.name = name
        self.kind = kind
    }

    /// `module.name` when it is on the allow-list.
    /// - Throws: ``PickleFault/forbiddenGlobal(_:)`` naming it otherwise.
    static func allowed(module: String, name: String) throws -> PickleGlobal {
        let global = PickleGlobal(module: module, name: name)
        guard global.kind != .forbidden else { throw PickleFault.forbiddenGlobal(global.qualifiedName) }
        return global
    }

    /// `module.name`.
    var qualifiedName: String { "\(module).\(name)" }

    /// Classes and types whose instances are plain data, as `module.name`: what fairseq HuBERT
    /// checkpoints hold besides tensors (`Dictionary`; the `args` namespace or the omegaconf `cfg`
    /// with its metadata, nodes and the types they name), and the type references torch itself
    /// pickles (`torch.Size`, `torch.device`, dtypes). Their instances stay inert ``PickleObject``s.
    static let dataClasses: Set<String> = {
        var names: Set<String> = [
            "fairseq.data.dictionary.Dictionary",
            "argparse.Namespace",
            "omegaconf.dictconfig.DictConfig", "omegaconf.listconfig.ListConfig",
            "omegaconf.base.ContainerMetadata", "omegaconf.base.Metadata",
            "collections.defaultdict", "collections.Counter",
            "typing.Any",
            "torch.Size", "torch.device",
        ]
        for node in ["AnyNode", "StringNode", "IntegerNode", "FloatNode", "BooleanNode", "BytesNode", "PathNode", "EnumNode"] {
            names.insert("omegaconf.nodes.\(node)")
        }
        for module in ["builtins", "__builtin__"] {
            for type in ["int", "long", "float", "complex", "bool", "str", "unicode", "bytes", "bytearray", "tuple", "object"] {
                names.insert("\(module).\(type)")
            }
        }
        for dtype in [
            "float16", "half", "bfloat16", "float32", "float", "float64", "double", "complex64", "complex128",
            "uint8", "int8", "int16", "short", "int32", "int", "int64", "long", "bool",
        ] {
            names.insert("torch.\(dtype)")
        }
        return names
    }()

    /// PyTorch's legacy typed storage class names (`torch.<Name>`) and their element types.
    static let storageDTypes: [String: DType] = Dictionary(
        uniqueKeysWithValues: DType.allCases.map { ($0.torchStorageName, $0) })

    // MARK: - Construction

    /// REDUCE with the argument tuple's items `args`: the rebuilt globals' results, made natively;
    /// an inert object recording `args` for a storage type or data class.
    /// - Throws: ``PickleFault/forbiddenGlobal(_:)`` for a global outside the allow-list (which
    ///   ``allowed(module:name:)`` already keeps off the stack).
    func reduce(_ args: [PickleMachine.Value], in arena: inout PickleArena) throws -> PickleMachine.Value {
        switch kind {
        case .rebuildTensorV2, .rebuildTensor:
            return try Self.rebuildTensor(args, in: arena)
        case .rebuildParameter, .rebuildParameterWithState:
            guard let first = args.first, case .tensor = first else {
                throw PickleFault.malformed("_rebuild_parameter expects a tensor")
            }
            return first
        case .orderedDict, .dict:
            var node = PickleArena.Node(kind: .dict)
            if let first = args.first, case .ref(let i) = first {
                // dict(iterable of pairs)
                for item in arena[i].items {
                    let pair = try arena.tupleItems(item, "dict(pairs)")
                    guard pair.count == 2 else { throw PickleFault.malformed("dict(pairs) expects 2-tuples") }
                    node.pairs.append((pair[0], pair[1]))
                }
            }
            return try arena.add(node)
        case .list, .set, .frozenset:
            var node = PickleArena.Node(kind: kind == .list ? .list : .set)
            if let first = args.first, case .ref(let i) = first { node.items = arena[i].items }
            return try arena.add(node)
        case .codecsEncode:
            // _codecs.encode(text, "latin1"): how protocol 2 pickles bytes; pure data conversion.
            guard args.count >= 1, case .data(.string(let text)) = args[0] else {
                throw PickleFault.malformed("_codecs.encode expects a string")
            }
            // A memoised string and REDUCE make a new copy for a few bytes of pickle each time.
            try arena.charge(text.utf8.count)
            var bytes: [UInt8] = []
            for scalar in text.unicodeScalars {
                guard scalar.value < 256 else { throw PickleFault.malformed("_codecs.encode: non-latin-1 character") }
                bytes.append(UInt8(scalar.value))
            }
            return .data(.bytes(bytes))
        case .storageType, .dataClass:
            return try arena.add(PickleArena.Node(kind: .object, cls: self, args: args))
        case .forbidden:
            throw PickleFault.forbiddenGlobal(qualifiedName)
        }
    }

    /// NEWOBJ and NEWOBJ_EX with the argument tuple's items `args`: an empty container for the
    /// allow-listed container classes, an inert object recording `args` for the other allowed ones.
    func newObject(_ args: [PickleMachine.Value], in arena: inout PickleArena) throws -> PickleMachine.Value {
        switch kind {
        case .orderedDict, .dict: return try arena.add(PickleArena.Node(kind: .dict))
        case .list: return try arena.add(PickleArena.Node(kind: .list))
        case .set, .frozenset: return try arena.add(PickleArena.Node(kind: .set))
        case .forbidden: throw PickleFault.forbiddenGlobal(qualifiedName)
        default: return try arena.add(PickleArena.Node(kind: .object, cls: self, args: args))
        }
    }

    // MARK: - Tensors

    /// `_rebuild_tensor_v2(storage, offset, size, stride, ...)`: a strided view, bounds-checked.
    private static func rebuildTensor(_ args: [PickleMachine.Value], in arena: PickleArena) throws -> PickleMachine.Value {
        guard args.count >= 4, case .storage(let storage) = args[0] else {
            throw PickleFault.malformed("_rebuild_tensor_v2 expects (storage, offset, size, stride, ...)")
        }
        let offset = try args[1].integer("storage offset")
        let shape = try intTuple(args[2], "tensor size", in: arena)
        let strides = try intTuple(args[3], "tensor stride", in: arena)
        guard shape.count == strides.count else { throw PickleFault.malformed("size and stride ranks differ") }
        guard offset >= 0, shape.allSatisfy({ $0 >= 0 }), strides.allSatisfy({ $0 >= 0 }) else {
            throw PickleFault.storage(key: storage.key, message: "negative offset, size or stride")
        }
        var count = 1
        var last = offset  // highest element index touched
        for (size, stride) in zip(shape, strides) {
            let (c, o1) = count.multipliedReportingOverflow(by: size)
            guard !o1 else { throw PickleFault.storage(key: storage.key, message: "element count overflows") }
            count = c
            if size > 0 {
                let (reach, o2) = (size - 1).multipliedReportingOverflow(by: stride)
                let (sum, o3) = last.addingReportingOverflow(reach)
                guard !o2, !o3 else {
                    throw PickleFault.storage(key: storage.key, message: "view extent overflows")
                }
                last = sum
            }
        }
        // A view larger than its storage (stride-0 broadcast) would let a tiny file claim a huge tensor
        // that later copies would have to allocate; torch state dicts never contain one.
        if count > storage.numel {
            throw PickleFault.storage(
                key: storage.key,
                message: "view of shape \(shape) has more elements than its \(storage.numel)-element storage")
        }
        if count > 0, last >= storage.numel {
            throw PickleFault.storage(
                key: storage.key,
                message: "view of shape \(shape) at offset \(offset) reaches element \(last) of a \(storage.numel)-element storage")
        }
        return .tensor(PickleMachine.TensorRef(storage: storage, offset: offset, shape: shape, strides: strides))
    }

    private static func intTuple(_ value: PickleMachine.Value, _ what: String, in arena: PickleArena) throws -> [Int] {
        let items = try arena.tupleItems(value, what)
        guard items.count <= arena.limits.maxRank else {
            throw PickleFault.limitExceeded(what: "tensor rank", limit: arena.limits.maxRank)
        }
        return try items.map { try $0.integer(what) }
    }
}
