// aorta_board_pkg: what the board wrappers pass down to the SoC as one value. docs/boards.md,
// "The common parts".
//
// soc_cfg_t holds rtl/aorta_soc.sv's parameters, one field each: a chip top builds it from its
// card's derived config (the generated aorta_cfg_<card>_pkg, with the array / memory geometry
// as the top's own parameters so the lint tests can shrink it; `AORTA_SOC_CFG in
// aorta_board_macros.svh), and aorta_intel_fpga, aorta_intel_chip and aorta_chip hand it on
// (parameter Cfg) to aorta_chip, the one place that spells the SoC's parameters out.
package aorta_board_pkg;

  typedef struct packed {
    int unsigned n;               // array rows = columns (N)
    int unsigned ub_rows;         // unified buffer rows (UbRows)
    int unsigned wb_rows;         // weight buffer rows (WbRows)
    int unsigned acc_rows;        // accumulator rows (AccRows)
    int unsigned param_rows;      // parameter buffer rows (ParamRows)
    int unsigned lut_tables;      // activation lookup tables (LutTables)
    int unsigned queue_depth;     // instruction queue depth (QueueDepth)
    int unsigned token_capacity;  // dependency token capacity (TokenCapacity)
    int unsigned link_ports;      // chip-to-chip link ports (LinkPorts)
    logic [63:0] config_fp;       // the config's fingerprint (ConfigFp)
    logic [63:0] dram_bytes;      // board DRAM size (DramBytes)
    int unsigned dma_data_width;  // DMA master data width, bits (DmaDataWidth)
  } soc_cfg_t;

  // The wrappers' defaults: a 16 x 16 array with two link ports and a 256-bit DMA.
  localparam soc_cfg_t DefaultSocCfg = '{
    n:              16,
    ub_rows:        1024,
    wb_rows:        1024,
    acc_rows:       256,
    param_rows:     64,
    lut_tables:     4,
    queue_depth:    16,
    token_capacity: 15,
    link_ports:     2,
    config_fp:      64'h0,
    dram_bytes:     64'h1000_0000,
    dma_data_width: 256
  };

  // A soc_cfg_t from its fields. (A function rather than a '{...} literal at the call site: the
  // lint's release 5.006 takes a package's or a module's localparam in a struct literal for an
  // unsized concatenation operand, WIDTHCONCAT.)
  function automatic soc_cfg_t soc_cfg(int unsigned n, int unsigned ub_rows, int unsigned wb_rows,
                                       int unsigned acc_rows, int unsigned param_rows,
                                       int unsigned lut_tables, int unsigned queue_depth,
                                       int unsigned token_capacity, int unsigned link_ports,
                                       logic [63:0] config_fp, logic [63:0] dram_bytes,
                                       int unsigned dma_data_width);
    soc_cfg = '{
      n:              n,
      ub_rows:        ub_rows,
      wb_rows:        wb_rows,
      acc_rows:       acc_rows,
      param_rows:     param_rows,
      lut_tables:     lut_tables,
      queue_depth:    queue_depth,
      token_capacity: token_capacity,
      link_ports:     link_ports,
      config_fp:      config_fp,
      dram_bytes:     dram_bytes,
      dma_data_width: dma_data_width
    };
  endfunction

endpackage
