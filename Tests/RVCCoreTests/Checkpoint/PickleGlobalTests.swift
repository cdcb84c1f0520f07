import Testing
@testable import RVCCore

/// The allow-list: what each global a checkpoint names becomes, and that every other one is refused.
@Suite("PickleGlobal")
struct PickleGlobalTests {
    @Test("allow-listed globals are recognised by module and name")
    func allowListedGlobals() {
        #expect(PickleGlobal(module: "torch._utils", name: "_rebuild_tensor_v2").kind == .rebuildTensorV2)
        #expect(PickleGlobal(module: "torch._utils", name: "_rebuild_parameter").kind == .rebuildParameter)
        #expect(PickleGlobal(module: "collections", name: "OrderedDict").kind == .orderedDict)
        #expect(PickleGlobal(module: "__builtin__", name: "set").kind == .set)
        #expect(PickleGlobal(module: "_codecs", name: "encode").kind == .codecsEncode)
        #expect(PickleGlobal(module: "torch", name: "HalfStorage").kind == .storageType(.float16))
    }

    @Test("the plain-data classes of fairseq checkpoints are inert data classes")
    func dataClasses() {
        let names: [(String, String)] = [
            ("fairseq.data.dictionary", "Dictionary"), ("argparse", "Namespace"), ("omegaconf.dictconfig", "DictConfig"),
            ("omegaconf.listconfig", "ListConfig"), ("omegaconf.base", "ContainerMetadata"), ("omegaconf.nodes", "AnyNode"),
            ("collections", "defaultdict"), ("typing", "Any"), ("__builtin__", "long"), ("builtins", "int"),
            ("torch", "Size"), ("torch", "float16"),
        ]
        for (module, name) in names {
            #expect(PickleGlobal(module: module, name: name).kind == .dataClass, "\(module).\(name)")
        }
    }

    @Test("anything else, including look-alikes, is forbidden and refused by name")
    func everythingElseIsForbidden() {
        let others: [(String, String)] = [
            ("os", "system"), ("posix", "system"), ("builtins", "exec"), ("builtins", "eval"),
            ("subprocess", "Popen"), ("builtins", "__import__"), ("builtins", "getattr"), ("builtins", "type"),
            ("importlib", "import_module"), ("torch", "load"), ("torch._utils", "_rebuild_qtensor"),
            ("torch", "FloatStorage2"), ("torch.storage", "FloatStorage"), ("builtins", "OrderedDict"),
            ("omegaconf", "OmegaConf"), ("fairseq.data.dictionary", "load"),
        ]
        for (module, name) in others {
            #expect(PickleGlobal(module: module, name: name).kind == .forbidden, "\(module).\(name)")
            #expect(throws: PickleFault.forbiddenGlobal("\(module).\(name)")) {
                _ = try PickleGlobal.allowed(module: module, name: name)
            }
        }
    }

    @Test("REDUCE of a data class records its arguments and calls nothing")
    func reduceOfDataClassIsInert() throws {
        var arena = PickleArena(limits: .default)
        let global = PickleGlobal(module: "argparse", name: "Namespace")
        let result = try global.reduce([.data(.string("touch /tmp/pwned"))], in: &arena)
        guard case .ref(let index) = result else {
            Issue.record("REDUCE did not make a container")
            return
        }
        #expect(arena[index].kind == .object)
        #expect(arena[index].cls == global)
        guard case .data(.string("touch /tmp/pwned"))? = arena[index].args.first else {
            Issue.record("the argument was not recorded")
            return
        }
    }

    @Test("REDUCE and NEWOBJ of a forbidden global are refused, even if one reached them")
    func reduceOfForbiddenIsRefused() {
        var arena = PickleArena(limits: .default)
        let global = PickleGlobal(module: "os", name: "system")
        #expect(throws: PickleFault.forbiddenGlobal("os.system")) {
            _ = try global.reduce([.data(.string("touch /tmp/pwned"))], in: &arena)
        }
        #expect(throws: PickleFault.forbiddenGlobal("os.system")) { _ = try global.newObject([], in: &arena) }
    }
}
