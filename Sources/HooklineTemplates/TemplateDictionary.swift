/// The named values of one template scope: a page's context, or one item of a list.
///
/// Used like a `[String: TemplateValue]` (literal, subscript to read, set and remove), but kept
/// as a short list that is searched by comparing lengths before text. A scope holds a few
/// dozen keys, and a page reads about a thousand of them: the scan is several times cheaper than
/// hashing each name, and building a row's values hashes nothing.
public struct TemplateDictionary: Sendable, Equatable {
    private struct Entry: Sendable {
        let key: String
        let length: Int
        var value: TemplateValue
    }

    private var entries: [Entry] = []

    public init() {}

    /// How many keys have a value.
    public var count: Int { distinctEntries.count }

    public var isEmpty: Bool { entries.isEmpty }

    /// The keys, in the order they were set.
    public var keys: [String] { distinctEntries.map(\.key) }

    /// The entries without those a later entry for the same key shadows (only a literal that
    /// repeats a key leaves any).
    private var distinctEntries: [Entry] {
        entries.indices.filter { index(of: entries[$0].key) == $0 }.map { entries[$0] }
    }

    /// The value of `key`; setting nil removes the key.
    public subscript(key: String) -> TemplateValue? {
        get {
            guard let index = index(of: key) else { return nil }
            return entries[index].value
        }
        set {
            switch (index(of: key), newValue) {
            case (let index?, let value?): entries[index].value = value
            case (_?, nil): entries.removeAll { $0.key == key }
            case (nil, let value?): entries.append(Entry(key: key, length: key.utf8.count, value: value))
            case (nil, nil): break
            }
        }
    }

    /// The last entry for `key` (a literal that repeats a key is read as its last value).
    private func index(of key: String) -> Int? {
        let length = key.utf8.count
        return entries.lastIndex { $0.length == length && $0.key == key }
    }

    /// The same keys with the same values, in any order.
    public static func == (lhs: TemplateDictionary, rhs: TemplateDictionary) -> Bool {
        let distinct = lhs.distinctEntries
        return distinct.count == rhs.count && distinct.allSatisfy { rhs[$0.key] == $0.value }
    }
}

extension TemplateDictionary: ExpressibleByDictionaryLiteral {
    /// When a key repeats, the last value wins.
    public init(dictionaryLiteral elements: (String, TemplateValue)...) {
        self.init(elements)
    }

    /// The pairs in order; when a key repeats, the last value wins. Room is left for a few more
    /// keys, which pages often add after the literal.
    ///
    /// The pairs are taken as they are, without looking for repeats (a page's literals build a
    /// row's values fifty times per page); a repeated key is found only when it is read, set or
    /// compared, and then it is removed.
    init(_ elements: [(String, TemplateValue)]) {
        entries.reserveCapacity(elements.count + 8)
        for (key, value) in elements {
            entries.append(Entry(key: key, length: key.utf8.count, value: value))
        }
    }
}
