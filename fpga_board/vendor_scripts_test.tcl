# vendor_scripts_test.tcl: runs a vendor build script (fpga_board/*/build.tcl, the F1 synthesis
# hook) under plain tclsh with the vendor tools' commands stubbed out, to check what can be
# checked without Vivado or Quartus: the script is valid Tcl that runs to its end with the
# build tree's generated files, every file it hands to the tool exists (read_verilog, read_xdc,
# the Quartus *_FILE assignments except the IP files the stubbed generators would write, the
# include directories, the files F1 stages), and no argument it passes to an external program
# (exec) carries a literal quote (exec takes no shell quoting).
# The vendor commands themselves do nothing here: what they would build is not checked.
#   tclsh vendor_scripts_test.tcl <build script> <its arguments...>
# (CL_DIR must be set for the F1 scripts.) Exits 1 naming every problem.
set problems 0
proc problem {msg} { puts "FAIL: $msg"; incr ::problems }

# Every file-like argument must exist.
proc check_files {what files} {
  foreach f $files {
    if {[regexp {\.(sv|svh|xdc|sdc|tcl)$} $f] && ![file exists $f]} {
      problem "$what names $f, which does not exist"
    }
  }
}

rename unknown tcl_unknown
proc unknown {args} {
  set cmd [lindex $args 0]
  switch -- $cmd {
    read_verilog - read_xdc { check_files $cmd [concat {*}[lrange $args 1 end]] }
    set_global_assignment {
      set name [lindex $args [expr {[lsearch $args -name] + 1}]]
      if {$name eq "SEARCH_PATH"} {
        if {![file isdirectory [lindex $args end]]} { problem "SEARCH_PATH [lindex $args end]" }
      } elseif {[string match *_FILE $name]} {
        check_files $name [list [lindex $args end]]
      }
    }
    synth_design {
      set i [lsearch $args -include_dirs]
      if {$i < 0 || ![file exists [lindex $args $i+1]/aorta_board_macros.svh]} {
        problem "synth_design has no -include_dirs holding aorta_board_macros.svh"
      }
    }
  }
  return ""
}
rename exec tcl_exec
proc exec {args} {
  foreach a $args {
    if {[string first "\"" $a] >= 0} { problem "exec [lindex $args 0]: argument with a quote: $a" }
  }
  return ""
}
rename package tcl_package
proc package {args} {
  if {[lindex $args 0] eq "require" && [string match ::quartus::* [lindex $args 1]]} { return 1 }
  return [uplevel 1 [list tcl_package {*}$args]]
}

set script [file normalize [lindex $argv 0]]
set argv [lrange $argv 1 end]
set argc [llength $argv]
set quartus(args) $argv
source $script

# F1: everything staged into design/ exists, and the include is there.
if {[info exists ::env(CL_DIR)] && [file exists $::env(CL_DIR)/design/files.f]} {
  set fh [open $::env(CL_DIR)/design/files.f]
  foreach f [split [string trim [read $fh]] "\n"] {
    check_files files.f [list $::env(CL_DIR)/design/$f]
  }
  close $fh
  check_files staged [list $::env(CL_DIR)/design/aorta_board_macros.svh]
}
if {$problems} { exit 1 }
puts "[file tail [file dirname $script]]/[file tail $script]: ran to its end, every file it names exists"
