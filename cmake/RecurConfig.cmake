# find_package(Recur): the AOT compiler, the C API and its run-time library.
#
#   recur_add_kernels(TARGET lib SOURCES file.py:kernel SIGNATURE "..."
#                     GRID "..." [CONSTEXPR NAME=VALUE ...] [NAME name]
#                     [TARGETS cpu])
#   recur_add_kernels(TARGET lib OPERATOR gla ARGS --heads 4 ... [NAME name])
#
# Each call runs recurc at build time and adds the object to the static
# library `lib` (created on first use), whose users get the generated headers
# and Recur::RecurCpuRuntime.

include(CMakeFindDependencyMacro)
find_dependency(Threads)
include("${CMAKE_CURRENT_LIST_DIR}/RecurTargets.cmake")

get_filename_component(RECUR_PREFIX "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
set(RECUR_RECURC "${RECUR_PREFIX}/bin/recurc" CACHE FILEPATH "The recurc compiler")

function(recur_add_kernels)
  cmake_parse_arguments(ARG "" "TARGET;SIGNATURE;GRID;NAME;OPERATOR"
                        "SOURCES;CONSTEXPR;TARGETS;ARGS" ${ARGN})
  if(NOT ARG_TARGET)
    message(FATAL_ERROR "recur_add_kernels: TARGET is required")
  endif()
  foreach(target IN LISTS ARG_TARGETS)
    if(NOT target STREQUAL "cpu")
      message(FATAL_ERROR "recur_add_kernels: target '${target}' is not supported yet (cpu)")
    endif()
  endforeach()
  set(dir "${CMAKE_CURRENT_BINARY_DIR}/recur/${ARG_TARGET}")
  if(NOT TARGET ${ARG_TARGET})
    add_library(${ARG_TARGET} STATIC)
    set_target_properties(${ARG_TARGET} PROPERTIES LINKER_LANGUAGE C)
    target_include_directories(${ARG_TARGET} PUBLIC "${dir}")
    target_link_libraries(${ARG_TARGET} PUBLIC Recur::RecurCpuRuntime)
  endif()

  set(jobs)
  if(ARG_OPERATOR)
    set(name "${ARG_NAME}")
    if(NOT name)
      set(name "recur_${ARG_OPERATOR}_fwd")
    endif()
    list(APPEND jobs "${name}")
    set(command_${name} "${RECUR_RECURC}" op ${ARG_OPERATOR} ${ARG_ARGS}
        --name ${name} -o "${dir}")
    set(depends_${name} "${RECUR_RECURC}")
  endif()
  foreach(source IN LISTS ARG_SOURCES)
    if(NOT source MATCHES "^(.+):([A-Za-z_][A-Za-z0-9_]*)$")
      message(FATAL_ERROR "recur_add_kernels: SOURCES entries are file.py:kernel, got '${source}'")
    endif()
    get_filename_component(file "${CMAKE_MATCH_1}" ABSOLUTE)
    set(name "${ARG_NAME}")
    if(NOT name)
      set(name "${CMAKE_MATCH_2}")
    endif()
    if(NOT ARG_SIGNATURE OR NOT ARG_GRID)
      message(FATAL_ERROR "recur_add_kernels: ${source} needs SIGNATURE and GRID")
    endif()
    set(constexprs)
    foreach(constexpr IN LISTS ARG_CONSTEXPR)
      list(APPEND constexprs --constexpr ${constexpr})
    endforeach()
    list(APPEND jobs "${name}")
    set(command_${name} "${RECUR_RECURC}" "${file}:${CMAKE_MATCH_2}"
        --signature "${ARG_SIGNATURE}" ${constexprs} --grid "${ARG_GRID}"
        --target cpu --name ${name} -o "${dir}")
    set(depends_${name} "${RECUR_RECURC}" "${file}")
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
