/// Reads fields of configuration objects as fairseq stores them, without running anything: plain
/// dicts, omegaconf `DictConfig`/`ListConfig` (fields under the `_content` state, leaf values in
/// `omegaconf.nodes.*` objects' `_val`) and `argparse.Namespace` (fields in the BUILD state).
enum ConfigLookup {
    /// The field `key` of a config container, unwrapped to a plain value.
    static func field(_ container: PickleValue, _ key: String) -> PickleValue? {
        switch container {
        case .dict(let dict):
            return dict[key].map(unwrap)
        case .object(let object):
            if case .dict(let content)? = object.attribute("_content") { return content[key].map(unwrap) }
            return object.attribute(key).map(unwrap)
        default:
            return nil
        }
    }

    /// Replaces omegaconf leaf nodes by their value and `ListConfig` by a list.
    static func unwrap(_ value: PickleValue) -> PickleValue {
        unwrap(value, depth: 0)
    }

    private static func unwrap(_ value: PickleValue, depth: Int) -> PickleValue {
        guard depth < 32, case .object(let object) = value, object.module.hasPrefix("omegaconf") else { return value }
        if object.module == "omegaconf.nodes", let inner = object.attribute("_val") {
            return unwrap(inner, depth: depth + 1)
        }
        if object.name == "ListConfig", case .list(let items)? = object.attribute("_content") {
            return .list(items.map { unwrap($0, depth: depth + 1) })
        }
        return value
    }
}
