# Warning flags shared by every host target of Phantom.
function(phantom_warnings target)
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter -Werror=return-type
        -Werror=switch -Werror=format)
endfunction()
