# lit configuration for Recur's compiler tests: FileCheck tests of recur-opt
# over the dialects (test/dialects) and the passes (test/compiler).

import os

import lit.formats
from lit.llvm import llvm_config

config.name = "Recur"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.recur_obj_root, "test")
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "runtime"]

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.recur_tools_dir, append_path=True)
llvm_config.add_tool_substitutions(["recur-opt"], [config.recur_tools_dir, config.llvm_tools_dir])
