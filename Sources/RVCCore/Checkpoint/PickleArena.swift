/// The containers a pickle builds (lists, tuples, dicts, sets and inert objects), kept in an arena
/// and addressed by index, so shared and cyclic references cost nothing during decoding; the
/// final ``PickleValue`` tree is built from it in one memoised pass (linear time even for hostile
/// sharing patterns).
struct PickleArena {
    typealias Value = PickleMachine.Value

    enum Kind { case list, tuple, dict, set, object }

    struct Node {
        var kind: Kind
        var cls: PickleGlobal?
        var args: [Value] = []
        var items: [Value] = []
        var pairs: [(Value, Value)] = []
        var state: Value?
    }

    let limits: PickleLimits
    private var nodes: [Node] = []
    /// Estimated bytes allocated so far, against ``PickleLimits/maxAllocatedBytes``.
    private(set) var allocated = 0

    /// Estimated costs of what the program makes (see ``charge(_:)``).
    static let nodeCost = MemoryLayout<Node>.stride
    static let valueCost = MemoryLayout<Value>.stride
    /// A tensor: the description here plus the LibTorch tensor made from it.
    static let tensorCost = 512
    private var converted: [Int: PickleValue] = [:]
    private var inProgress: Set<Int> = []

    init(limits: PickleLimits) {
        self.limits = limits
    }

    /// The container at `index` (from a ``PickleMachine/Value/ref(_:)``).
    subscript(index: Int) -> Node { nodes[index] }

    /// Counts `bytes` against ``PickleLimits/maxAllocatedBytes``.
    /// - Throws: ``PickleFault/limitExceeded(what:limit:)`` once the total passes the limit.
    mutating func charge(_ bytes: Int) throws {
        allocated += bytes
        guard allocated <= limits.maxAllocatedBytes else {
            throw PickleFault.limitExceeded(what: "pickle allocations in bytes", limit: limits.maxAllocatedBytes)
        }
    }

    /// Adds a container and returns the reference to it.
    mutating func add(_ node: Node) throws -> Value {
        guard nodes.count < limits.maxContainers else {
            throw PickleFault.limitExceeded(what: "number of pickled containers", limit: limits.maxContainers)
        }
        try charge(Self.nodeCost + (node.args.count + node.items.count + 2 * node.pairs.count) * Self.valueCost)
        nodes.append(node)
        return .ref(nodes.count - 1)
    }

    /// The items of the tuple `value` refers to; `what` names the operand in the fault.
    func tupleItems(_ value: Value, _ what: String) throws -> [Value] {
        guard case .ref(let i) = value, nodes[i].kind == .tuple else { throw PickleFault.malformed("\(what) expects a tuple") }
        return nodes[i].items
    }

    /// The key–value pairs of a DICT or SETITEMS operand list.
    static func pairs(_ items: [Value]) throws -> [(Value, Value)] {
        guard items.count % 2 == 0 else { throw PickleFault.malformed("odd number of items for a dict") }
        return stride(from: 0, to: items.count, by: 2).map { (items[$0], items[$0 + 1]) }
    }

    /// APPEND, APPENDS, ADDITEMS: adds `items` to the list, set or object `target`.
    mutating func append(_ items: [Value], to target: Value) throws {
        let i = try nodeIndex(target, "APPEND")
        switch nodes[i].kind {
        case .list, .set, .object:
            try charge(items.count * Self.valueCost)
            nodes[i].items.append(contentsOf: items)
        default: throw PickleFault.malformed("APPEND on a \(nodes[i].kind)")
        }
    }

    /// SETITEM, SETITEMS: adds `pairs` to the dict or object `target`.
    mutating func setItems(_ pairs: [(Value, Value)], on target: Value) throws {
        let i = try nodeIndex(target, "SETITEM")
        switch nodes[i].kind {
        case .dict, .object:
            try charge(2 * pairs.count * Self.valueCost)
            nodes[i].pairs.append(contentsOf: pairs)
        default: throw PickleFault.malformed("SETITEM on a \(nodes[i].kind)")
        }
    }

    /// BUILD: records `state` on the object or dict `target` (nothing is called).
    mutating func build(_ target: Value, state: Value) throws {
        switch target {
        case .ref(let i):
            guard nodes[i].kind == .object || nodes[i].kind == .dict else {
                throw PickleFault.malformed("BUILD on a \(nodes[i].kind)")
            }
            nodes[i].state = state
        case .tensor:
            break  // tensor subclass state (e.g. Parameter attributes) is not needed
        default:
            throw PickleFault.malformed("BUILD on a non-object")
        }
    }

    private func nodeIndex(_ value: Value, _ what: String) throws -> Int {
        guard case .ref(let i) = value else { throw PickleFault.malformed("\(what) expects a container") }
        return i
    }

    // MARK: - Building the value tree

    /// Turns a machine value into a ``PickleValue`` tree, once per container (memoised), cutting
    /// cycles with ``PickleValue/recursive``; `makeTensor` creates the tensors.
    mutating func tree(
        _ value: Value, depth: Int = 0, makeTensor: (PickleMachine.TensorRef) throws -> Tensor
    ) throws -> PickleValue {
        guard depth <= limits.maxDepth else {
            throw PickleFault.limitExceeded(what: "nesting depth", limit: limits.maxDepth)
        }
        func child(_ value: Value) throws -> PickleValue {
            try tree(value, depth: depth + 1, makeTensor: makeTensor)
        }
        switch value {
        case .data(let data): return data
        case .global(let g): return .global(module: g.module, name: g.name)
        case .tensor(let t):
            try charge(Self.tensorCost)
            return .tensor(try makeTensor(t))
        case .storage(let s):
            try charge(Self.tensorCost)
            return .tensor(try makeTensor(PickleMachine.TensorRef(storage: s, offset: 0, shape: [s.numel], strides: [1])))
        case .ref(let i):
            if let done = converted[i] { return done }
            if inProgress.contains(i) { return .recursive }
            inProgress.insert(i)
            defer { inProgress.remove(i) }
            let node = nodes[i]
            let result: PickleValue
            switch node.kind {
            case .list: result = .list(try node.items.map(child))
            case .tuple: result = .tuple(try node.items.map(child))
            case .set: result = .set(try node.items.map(child))
            case .dict:
                let entries = try node.pairs.map { (key: try child($0.0), value: try child($0.1)) }
                result = .dict(PickleDict(entries: entries, state: try node.state.map(child)))
            case .object:
                result = .object(PickleObject(
                    module: node.cls?.module ?? "", name: node.cls?.name ?? "",
                    arguments: try node.args.map(child),
                    state: try node.state.map(child),
                    listItems: try node.items.map(child),
                    dictItems: try node.pairs.map { (key: try child($0.0), value: try child($0.1)) }))
            }
            converted[i] = result
            return result
        }
    }
}
