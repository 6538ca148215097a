/// `transform` applied to every item, at most `parallel` at once, the results in the items'
/// order: a large fleet is neither asked one node after another nor all at once (which would
/// flood the API server and its pod proxy).
func boundedMap<Item: Sendable, Result: Sendable>(
    _ items: [Item], parallel: Int, _ transform: @escaping @Sendable (Item) async throws -> Result
) async throws -> [Result] {
    try await withThrowingTaskGroup(of: (Int, Result).self) { group in
        var results = [Result?](repeating: nil, count: items.count)
        var next = items.indices.makeIterator()
        func add(_ index: Int) {
            let item = items[index]
            group.addTask { (index, try await transform(item)) }
        }
        for _ in 0..<max(parallel, 1) {
            if let index = next.next() { add(index) }
        }
        while let (index, result) = try await group.next() {
            results[index] = result
            if let index = next.next() { add(index) }
        }
        return results.map { $0! }
    }
}
