# gategrad_layer(<layer> SOURCES <files>... [DEPENDS <public deps>...] [PRIVATE_DEPENDS <deps>...])
# One library per layer: target gategrad_<layer>, alias and exported name gategrad::<layer>,
# our warning and SIMD flags, and its headers installed as <gategrad/<layer>/...>.
function(gategrad_layer layer)
  cmake_parse_arguments(arg "" "" "SOURCES;DEPENDS;PRIVATE_DEPENDS" ${ARGN})
  add_library(gategrad_${layer} ${arg_SOURCES})
  add_library(gategrad::${layer} ALIAS gategrad_${layer})
  set_target_properties(gategrad_${layer} PROPERTIES EXPORT_NAME ${layer})
  target_link_libraries(gategrad_${layer} PUBLIC ${arg_DEPENDS}
    PRIVATE $<BUILD_INTERFACE:gategrad_flags> ${arg_PRIVATE_DEPENDS})
  install(TARGETS gategrad_${layer} EXPORT gategradTargets)
  install(DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/gategrad/${layer}
    FILES_MATCHING PATTERN "*.hpp")
endfunction()
