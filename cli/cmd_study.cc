// aorta study SWEEP.textproto: an architecture sweep on the TLM model (tlm/study.h,
// docs/studies.md): every model x every combination of the axes, compiled (cached in
// OUTDIR/programs) and run on forked workers; writes OUTDIR/study.csv and OUTDIR/plots/*.png.
// --timeline FILE --point K runs one point here and writes its Perfetto / Chrome trace instead.
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "tlm/study_runner.h"

namespace aorta::cli {
namespace {

struct StudyArgs {
  std::string sweep;
  std::string out_dir;
  int jobs = 0;
  bool no_plots = false;
  bool list = false;
  std::string timeline;
  size_t point = 0;
};

void Study(const StudyArgs& a) {
  study::Sweep sweep = Check(study::LoadSweep(a.sweep));
  const std::string base_dir = std::filesystem::path(a.sweep).parent_path().string();
  const std::string out_dir =
      a.out_dir.empty() ? (sweep.name().empty() ? "study_out" : sweep.name()) : a.out_dir;
  if (a.list) {
    std::vector<study::StudyPoint> points = Check(study::ExpandSweep(sweep, base_dir));
    for (const study::StudyPoint& p : points)
      fmt::print("{:>4}  {}  ({} chip{}, {}x{})\n", p.index, p.Label(), p.num_chips(),
                 p.num_chips() == 1 ? "" : "s", p.chip().array_rows(), p.chip().array_cols());
    return;
  }
  if (!a.timeline.empty()) {
    Check(study::WriteStudyTimeline(sweep, base_dir, out_dir, a.point, a.timeline));
    fmt::print("wrote {} (point {}; open in https://ui.perfetto.dev or chrome://tracing)\n",
               a.timeline, a.point);
    return;
  }
  study::StudyOptions opt;
  opt.out_dir = out_dir;
  opt.jobs = a.jobs;
  opt.plots = !a.no_plots;
  study::StudyOutcome out = Check(study::RunStudy(sweep, base_dir, opt));
  fmt::print("wrote {} ({} points, {} failed)\n", out.csv, out.points.size(), out.failed);
  for (const std::string& p : out.plots) fmt::print("wrote {}\n", p);
  if (!out.plot_error.empty()) std::cerr << "aorta study: no plots: " << out.plot_error << "\n";
  if (out.failed > 0) {
    std::cerr << "aorta study: " << out.failed << " of " << out.points.size()
              << " points failed (their error is in the CSV's status column)\n";
    throw CLI::RuntimeError(kExitError);
  }
}

}  // namespace

void RegisterStudyCommand(CLI::App& app) {
  auto args = std::make_shared<StudyArgs>();
  CLI::App* sub =
      app.add_subcommand("study", "Run an architecture sweep on the TLM model (docs/studies.md)");
  sub->add_option("sweep", args->sweep, "Sweep file (.textproto, tlm/study.proto)")->required();
  sub->add_option("-o,--out", args->out_dir,
                  "Output directory: study.csv, plots/, programs/ (the compile cache), models/ "
                  "(default: the sweep's name)");
  sub->add_option("-j,--jobs", args->jobs,
                  "Worker processes (default: the machine's hardware threads)")
      ->check(CLI::NonNegativeNumber);
  sub->add_flag("--no-plots", args->no_plots, "Write the CSV only");
  sub->add_flag("--list", args->list, "Print the sweep's points and exit");
  sub->add_option("--timeline", args->timeline,
                  "Run one point (--point) and write its Perfetto / Chrome trace JSON");
  sub->add_option("--point", args->point, "The point for --timeline (see --list; default 0)");
  sub->callback([args] { Study(*args); });
}

}  // namespace aorta::cli
