//===- Passes.cpp - Registration of Recur's passes ------------------------===//

#include "compiler/Passes.h"
#include "compiler/Pipelines.h"

void recur::registerCompilerPasses() {
  registerRecurPasses();
  registerCPUPipeline();
  registerGPUPipeline();
}
