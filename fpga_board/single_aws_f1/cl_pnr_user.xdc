# AWS F1 custom logic, place-and-route constraints of cl_aorta (staged by build.tcl). No
# floorplan: the SoC, the SmartConnect and sh_ddr are placed by Vivado in the CL region.
# NOT RUN (docs/boards.md).
