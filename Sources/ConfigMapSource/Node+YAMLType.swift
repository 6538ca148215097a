import Yams

extension Node {
    /// The node's YAML type (`tag:yaml.org,2002:str`, `…:int`, `…:null`, …), as kubectl reads it.
    ///
    /// Manifests are parsed with `Resolver.basic`, which takes every untagged plain scalar for a
    /// string: the default resolver compiles seven regular expressions (loading ICU, a few MB of
    /// resident memory) and runs them on every key of the manifest. Only a scalar whose type
    /// matters is resolved by the YAML 1.1 rules, here, and our keys' values are block scalars
    /// or quoted, which need no rules at all.
    var yamlType: Tag.Name {
        if case .scalar(let scalar) = self, scalar.tag.rawValue == Tag.Name.implicit.rawValue {
            return Resolver.default.resolveTag(of: self)
        }
        return Tag.Name(rawValue: tag.rawValue)
    }
}
