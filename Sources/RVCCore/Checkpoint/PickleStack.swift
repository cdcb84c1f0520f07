/// The pickle machine's value stack with its MARK positions, and the memo (BINPUT/BINGET), each
/// bounded by ``PickleLimits``. A pop never reaches below the innermost MARK.
struct PickleStack {
    typealias Value = PickleMachine.Value

    private let limits: PickleLimits
    private var values: [Value] = []
    private var marks: [Int] = []
    private var memo: [Int: Value] = [:]

    init(limits: PickleLimits) {
        self.limits = limits
    }

    /// The top value, left in place (the target of APPEND, SETITEM and BUILD).
    func top() throws -> Value {
        guard let value = values.last else { throw PickleFault.malformed("stack underflow") }
        return value
    }

    mutating func push(_ value: Value) throws {
        guard values.count < limits.maxStack else {
            throw PickleFault.limitExceeded(what: "pickle stack size", limit: limits.maxStack)
        }
        values.append(value)
    }

    mutating func pop() throws -> Value {
        guard let value = values.popLast() else { throw PickleFault.malformed("stack underflow") }
        if let mark = marks.last, values.count < mark { throw PickleFault.malformed("stack underflow past a MARK") }
        return value
    }

    /// The top `count` values, removed, in the order they were pushed.
    mutating func pop(_ count: Int) throws -> [Value] {
        var items: [Value] = []
        for _ in 0..<count { items.append(try pop()) }
        return items.reversed()
    }

    /// DUP: pushes the top value again.
    mutating func dup() throws {
        try push(try top())
    }

    /// MARK: remembers the current height.
    mutating func mark() throws {
        guard marks.count < limits.maxDepth * 4 else {
            throw PickleFault.limitExceeded(what: "MARK nesting", limit: limits.maxDepth * 4)
        }
        marks.append(values.count)
    }

    /// The values above the innermost MARK, removed with it, in the order they were pushed.
    mutating func popToMark() throws -> [Value] {
        guard let mark = marks.popLast() else { throw PickleFault.malformed("no MARK on the stack") }
        guard mark <= values.count else { throw PickleFault.malformed("MARK beyond the stack") }
        let items = Array(values[mark...])
        values.removeSubrange(mark...)
        return items
    }

    // MARK: - Memo

    /// BINPUT, LONG_BINPUT: stores the top value at `index`.
    mutating func memoize(at index: Int) throws {
        guard let top = values.last else { throw PickleFault.malformed("memo store with an empty stack") }
        if memo[index] == nil, memo.count >= limits.maxMemo {
            throw PickleFault.limitExceeded(what: "memo entries", limit: limits.maxMemo)
        }
        memo[index] = top
    }

    /// MEMOIZE: stores the top value at the index that equals the memo's size.
    mutating func memoize() throws {
        try memoize(at: memo.count)
    }

    /// BINGET, LONG_BINGET: pushes the value stored at `index`.
    mutating func recall(_ index: Int) throws {
        guard let value = memo[index] else { throw PickleFault.malformed("memo entry \(index) is not defined") }
        try push(value)
    }
}
