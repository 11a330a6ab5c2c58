# find_package(Recur): the AOT compiler, the C API and its run-time library.
#
#   recur_add_kernels(TARGET lib SOURCES file.py:kernel SIGNATURE "..."
#                     GRID "..." [CONSTEXPR NAME=VALUE ...] [NAME name]
#                     [NUM_WARPS w] [TARGETS cpu cuda:sm_90 ...])
#   recur_add_kernels(TARGET lib OPERATOR gla ARGS --heads 4 ... [NAME name]
#                     [NUM_WARPS w] [TARGETS ...])
#
# Each call runs recurc at build time and adds the objects to the static
# library `lib` (created on first use), whose users get the generated headers
# and Recur::RecurCpuRuntime (which loads the GPU drivers at run time). With
# one target the C function is `name`; with several, one per target:
# `name_cpu`, `name_cuda_sm_90`, `name_rocm_gfx942`, ...

include(CMakeFindDependencyMacro)
find_dependency(Threads)
include("${CMAKE_CURRENT_LIST_DIR}/RecurTargets.cmake")

get_filename_component(RECUR_PREFIX "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
set(RECUR_RECURC "${RECUR_PREFIX}/bin/recurc" CACHE FILEPATH "The recurc compiler")

function(recur_add_kernels)
  cmake_parse_arguments(ARG "" "TARGET;SIGNATURE;GRID;NAME;OPERATOR;NUM_WARPS"
                        "SOURCES;CONSTEXPR;TARGETS;ARGS" ${ARGN})
  if(NOT ARG_TARGET)
    message(FATAL_ERROR "recur_add_kernels: TARGET is required")
  endif()
  if(NOT ARG_TARGETS)
    set(ARG_TARGETS cpu)
  endif()
  set(known cpu cuda:sm_80 cuda:sm_90 rocm:gfx90a rocm:gfx942)
  foreach(target IN LISTS ARG_TARGETS)
    if(NOT target IN_LIST known)
      message(FATAL_ERROR "recur_add_kernels: unknown target '${target}' (${known})")
    endif()
  endforeach()
  list(LENGTH ARG_TARGETS target_count)
  set(warps)
  if(ARG_NUM_WARPS)
    set(warps --num-warps ${ARG_NUM_WARPS})
  endif()
  set(dir "${CMAKE_CURRENT_BINARY_DIR}/recur/${ARG_TARGET}")
  if(NOT TARGET ${ARG_TARGET})
    add_library(${ARG_TARGET} STATIC)
    set_target_properties(${ARG_TARGET} PROPERTIES LINKER_LANGUAGE C)
    target_include_directories(${ARG_TARGET} PUBLIC "${dir}")
    target_link_libraries(${ARG_TARGET} PUBLIC Recur::RecurCpuRuntime)
  endif()

  set(jobs)
  if(ARG_OPERATOR)
    set(base "${ARG_NAME}")
    if(NOT base)
      set(base "recur_${ARG_OPERATOR}_fwd")
    endif()
    foreach(target IN LISTS ARG_TARGETS)
      set(name "${base}")
      if(target_count GREATER 1)
        string(REPLACE ":" "_" suffix "${target}")
        set(name "${base}_${suffix}")
      endif()
      list(APPEND jobs "${name}")
      set(command_${name} "${RECUR_RECURC}" op ${ARG_OPERATOR} ${ARG_ARGS}
          --target ${target} ${warps} --name ${name} -o "${dir}")
      set(depends_${name} "${RECUR_RECURC}")
    endforeach()
  endif()
  foreach(source IN LISTS ARG_SOURCES)
    if(NOT source MATCHES "^(.+):([A-Za-z_][A-Za-z0-9_]*)$")
      message(FATAL_ERROR "recur_add_kernels: SOURCES entries are file.py:kernel, got '${source}'")
    endif()
    get_filename_component(file "${CMAKE_MATCH_1}" ABSOLUTE)
    set(kernel "${CMAKE_MATCH_2}")
    set(base "${ARG_NAME}")
    if(NOT base)
      set(base "${kernel}")
    endif()
    if(NOT ARG_SIGNATURE OR NOT ARG_GRID)
      message(FATAL_ERROR "recur_add_kernels: ${source} needs SIGNATURE and GRID")
    endif()
    set(constexprs)
    foreach(constexpr IN LISTS ARG_CONSTEXPR)
      list(APPEND constexprs --constexpr ${constexpr})
    endforeach()
    foreach(target IN LISTS ARG_TARGETS)
      set(name "${base}")
      if(target_count GREATER 1)
        string(REPLACE ":" "_" suffix "${target}")
        set(name "${base}_${suffix}")
      endif()
      list(APPEND jobs "${name}")
      set(command_${name} "${RECUR_RECURC}" "${file}:${kernel}"
          --signature "${ARG_SIGNATURE}" ${constexprs} --grid "${ARG_GRID}"
          --target ${target} ${warps} --name ${name} -o "${dir}")
      set(depends_${name} "${RECUR_RECURC}" "${file}")
    endforeach()
  endforeach()

  foreach(name IN LISTS jobs)
    add_custom_command(
      OUTPUT "${dir}/${name}.o" "${dir}/${name}.h"
      COMMAND ${command_${name}}
      DEPENDS ${depends_${name}}
      COMMENT "recurc: ${name}"
      VERBATIM)
    set_source_files_properties("${dir}/${name}.o" PROPERTIES
                                EXTERNAL_OBJECT TRUE GENERATED TRUE)
    target_sources(${ARG_TARGET} PRIVATE "${dir}/${name}.o" "${dir}/${name}.h")
  endforeach()
endfunction()
