# cuport_link_llvm(<target> <components...>): link a target against LLVM.
# LLVM is used through Debian's shared libLLVM-19.so, whose symbols carry the
# version node LLVM_19.1, so they cannot collide with another LLVM that an
# application brings. Only compiler/ and backends/ link LLVM; the runtime
# (libcudart.so.13) never does.
include_directories(SYSTEM ${LLVM_INCLUDE_DIRS})
separate_arguments(CUPORT_LLVM_DEFINITIONS NATIVE_COMMAND ${LLVM_DEFINITIONS})

function(cuport_link_llvm target)
  target_include_directories(${target} SYSTEM PRIVATE ${LLVM_INCLUDE_DIRS})
  target_compile_definitions(${target} PRIVATE ${CUPORT_LLVM_DEFINITIONS})
  if(LLVM_LINK_LLVM_DYLIB OR TARGET LLVM)
    target_link_libraries(${target} PUBLIC LLVM)
  else()
    llvm_map_components_to_libnames(libs ${ARGN})
    target_link_libraries(${target} PUBLIC ${libs})
  endif()
endfunction()
