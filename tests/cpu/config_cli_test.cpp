// --print-config and --config: the printed configuration, read back, reproduces the run.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "common/run_klynge.hpp"

namespace klynge {
namespace {

using nlohmann::json;
using test::run_klynge;

// A report without the parts that may differ between two runs of the same configuration.
json comparable(json report) {
  report.erase("provenance");
  report.erase("timing");
  return report;
}

// Runs `flags` with --print-config, writes the printed configuration to DIR/run.toml, then runs
// `flags` directly and the configuration file: the printed text and both reports.
struct RoundTrip {
  std::string printed;
  json direct, from_config;
};

RoundTrip print_and_rerun(const std::vector<std::string>& flags, const std::string& dir) {
  RoundTrip t;
  auto print = flags;
  print.push_back("--print-config");
  const auto printed = run_klynge(print);
  EXPECT_EQ(printed.exit_code, 0) << printed.err;
  t.printed = printed.out;
  test::write_file(dir + "/run.toml", printed.out);
  auto direct = flags;
  direct.insert(direct.end(), {"--json", dir + "/direct.json"});
  const auto a = run_klynge(direct);
  const auto b =
      run_klynge({"analyze", "--config", dir + "/run.toml", "--json", dir + "/config.json"});
  EXPECT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(b.exit_code, 0) << b.err;
  if (a.exit_code != 0 || b.exit_code != 0) return t;
  t.direct = json::parse(test::read_file(dir + "/direct.json"));
  t.from_config = json::parse(test::read_file(dir + "/config.json"));
  return t;
}

TEST(ConfigCli, PrintedConfigurationReproducesTheRun) {
  const std::string dir = test::scratch_dir("config_roundtrip");
  const std::vector<std::string> flags = {"analyze",
                                          "--input",
                                          test::example_file("firms.csv"),
                                          "--entry",
                                          "entry_year",
                                          "--bootstrap",
                                          "99",
                                          "--statistic",
                                          "mean_diff,median_diff",
                                          "--ci",
                                          "percentile,basic",
                                          "--level",
                                          "0.9",
                                          "--seed",
                                          "123",
                                          "--permutations",
                                          "49",
                                          "--balance",
                                          "--strata",
                                          "nace,region"};
  const RoundTrip t = print_and_rerun(flags, dir);
  ASSERT_FALSE(t.direct.is_null());
  EXPECT_EQ(t.printed.rfind("[analyze]\n", 0), 0u) << t.printed;
  EXPECT_NE(t.printed.find("seed = 123"), std::string::npos) << t.printed;
  EXPECT_NE(t.printed.find("balance = true"), std::string::npos) << t.printed;
  const json& ja = t.direct;
  const json& jb = t.from_config;
  EXPECT_EQ(comparable(ja), comparable(jb));
  // The configuration recorded in the report is the one that ran.
  json ca = ja["provenance"]["configuration"], cb = jb["provenance"]["configuration"];
  ca.erase("json");
  cb.erase("json");
  EXPECT_EQ(ca, cb);

  // The command line wins over the file.
  const auto c = run_klynge(
      {"analyze", "--config", dir + "/run.toml", "--seed", "124", "--json", dir + "/other.json"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  const json jc = json::parse(test::read_file(dir + "/other.json"));
  EXPECT_EQ(jc["settings"]["seed"], 124);
  EXPECT_NE(comparable(jc)["results"], comparable(ja)["results"]);
}

TEST(ConfigCli, DescribeReadsItsSection) {
  const std::string dir = test::scratch_dir("config_describe");
  test::write_file(dir + "/d.toml", "[describe]\ninput = \"" + test::example_file("firms.csv") +
                                        "\"\nfrom = 2012\nto = 2015\nmetrics = [\"employees\"]\n");
  const auto run = run_klynge({"describe", "--config", dir + "/d.toml", "--json", dir + "/d.json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json d = json::parse(test::read_file(dir + "/d.json"));
  EXPECT_EQ(d["design"]["from"], 2012);
  EXPECT_EQ(d["design"]["metrics"], json::array({"employees"}));

  // describe --print-config writes its own section, which reads back to the same run.
  const auto printed = run_klynge({"describe", "--config", dir + "/d.toml", "--print-config"});
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  EXPECT_EQ(printed.out.rfind("[describe]\n", 0), 0u) << printed.out;
  EXPECT_NE(printed.out.find("to = 2015\n"), std::string::npos) << printed.out;
  test::write_file(dir + "/again.toml", printed.out);
  const auto again =
      run_klynge({"describe", "--config", dir + "/again.toml", "--json", dir + "/again.json"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  json a = json::parse(test::read_file(dir + "/again.json")), b = d;
  for (json* r : {&a, &b}) {
    r->erase("provenance");
    r->erase("timing");
  }
  EXPECT_EQ(a, b);
}

TEST(ConfigCli, MissingFileAndUnknownKeyAreClearErrors) {
  const std::string dir = test::scratch_dir("config_errors");
  auto run = run_klynge({"analyze", "--config", dir + "/absent.toml"});
  EXPECT_EQ(run.exit_code, 66) << run.err;
  EXPECT_NE(run.err.find("absent.toml"), std::string::npos) << run.err;
  test::write_file(dir + "/bad.toml", "[analyze]\ninput = \"x.csv\"\nbootstraps = 5\n");
  run = run_klynge({"analyze", "--config", dir + "/bad.toml"});
  EXPECT_EQ(run.exit_code, 64) << run.err;
  EXPECT_NE(run.err.find("bootstraps"), std::string::npos) << run.err;
}

// Paths with backslashes, numbers typed as ".9" or "010", and an output naming the --config file:
// each once broke the round trip or the user's file.
TEST(ConfigCli, OddPathsAndNumbersRoundTripAndTheConfigFileIsNoOutput) {
  const std::string dir = test::scratch_dir("config_odd");
  const std::string odd = dir + "/back\\slash";
  std::filesystem::create_directories(odd);
  std::filesystem::copy_file(test::example_file("firms.csv"), odd + "/f.csv",
                             std::filesystem::copy_options::overwrite_existing);
  const std::vector<std::string> flags = {
      "analyze", "--input", odd + "/f.csv", "--entry", "entry_year", "--bootstrap",
      "99",      "--level", ".9",           "--seed",  "010",        "--permutations",
      "0"};
  const RoundTrip t = print_and_rerun(flags, dir);
  ASSERT_FALSE(t.direct.is_null());
  // TOML has no ".9" or "010" numbers; the seed is the decimal 10 (CLI11 alone read octal 8).
  EXPECT_NE(t.printed.find("level = '.9'"), std::string::npos) << t.printed;
  EXPECT_NE(t.printed.find("seed = 10\n"), std::string::npos) << t.printed;
  EXPECT_EQ(t.direct["settings"]["seed"], 10);
  EXPECT_EQ(comparable(t.direct), comparable(t.from_config));

  const std::string before = test::read_file(dir + "/run.toml");
  for (const char* flag : {"--json", "--csv"}) {
    const auto c = run_klynge({"analyze", "--config", dir + "/run.toml", flag, dir + "/run.toml"});
    EXPECT_EQ(c.exit_code, 64) << c.err;
    EXPECT_NE(c.err.find("is the --config file"), std::string::npos) << c.err;
  }
  EXPECT_EQ(test::read_file(dir + "/run.toml"), before);
}

// What CLI11 alone merged silently (a table given twice), read wrongly (a byte-order mark, an
// array opened with `[` alone) or reported as "INI was not able to parse X": each file is
// either read as TOML means it or refused with its line number (exit 64).
TEST(ConfigCli, FileShapesAreReadAsTomlMeansOrRefusedWithTheirLine) {
  const std::string dir = test::scratch_dir("config_shapes");
  const auto printed = [&](const std::string& name, const std::string& text) {
    test::write_file(dir + "/" + name, text);
    return run_klynge({"analyze", "--config", dir + "/" + name, "--print-config"});
  };
  const std::string input = "input = '" + test::example_file("firms.csv") + "'\n";

  auto r = printed("bom.toml", "\xEF\xBB\xBF[analyze]\n" + input + "bootstrap = 77\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("bootstrap = 77\n"), std::string::npos) << r.out;
  r = printed("array.toml", "[analyze] # the run\n" + input +
                                "ci = [  # methods\n  'basic',\n  'normal',  # two\n]\n"
                                "bootstrap = 77\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("ci = ['basic', 'normal']\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("bootstrap = 77\n"), std::string::npos) << r.out;
  // A '#' in a quoted value is text, not a comment (CLI11 alone read 'data#2.csv' as "'data").
  r = printed("hash.toml", "[analyze]\ninput = 'data#2.csv'  # the panel\nlevel = 0.9#x\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("input = 'data#2.csv'\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("level = 0.9\n"), std::string::npos) << r.out;
  // A bare switch, even of one letter (CLI11 alone skipped lines shorter than three characters).
  r = printed("switch.toml", "[analyze]\n" + input + "q\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("quiet = true\n"), std::string::npos) << r.out;
  r = printed("two_sections.toml",
              "[describe]\ngrowth = 'pct'\n[analyze]\n" + input + "seed = 4\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("seed = 4\n"), std::string::npos) << r.out;

  const struct {
    const char* name;
    std::string text, expected;
  } refused[] = {
      {"twice.toml", "[analyze]\n" + input + "[describe]\n[analyze]\nbootstrap = 9\n",
       "line 4: [analyze] appears a second time"},
      {"typo.toml", "[analyse]\nbootstrap = 9\n", "line 1: [analyse] is no klynge subcommand"},
      {"dotted.toml", "[analyze]\n" + input + "[analyze.extra]\nx = 1\n",
       "line 3: [analyze.extra] is no klynge subcommand"},
      {"top.toml", "# c\nbootstrap = 9\n[analyze]\n",
       "line 2: `bootstrap` comes before any section"},
      {"key_twice.toml", "[analyze]\nci = ['bca']\n" + input + "ci = ['basic']\n",
       "line 4: `ci` is set a second time in [analyze]"},
      {"unknown.toml", "[analyze]\n" + input + "\nbootstraps = 9\n",
       "line 4: `bootstraps` is no flag of klynge analyze"},
      {"open.toml", "[analyze\nbootstrap = 9\n", "line 1: `[analyze` is not a section header"},
      {"no_key.toml", "[analyze]\n = 3\n", "line 2: `= 3` has no key before its '='"},
      {"control.toml", std::string("[analyze]\nx\x01y = 1\n"), "line 2: `x\\x01y` is no flag"},
      {"unclosed.toml", "[analyze]\n" + input + "ci = [\n  'bca',\n", "line 3: the array of `ci`"},
  };
  for (const auto& c : refused) {
    r = printed(c.name, c.text);
    EXPECT_EQ(r.exit_code, 64) << c.name << ": " << r.err;
    EXPECT_NE(r.err.find(std::string(c.name) + ": " + c.expected), std::string::npos)
        << c.name << ": " << r.err;
  }
}

}  // namespace
}  // namespace klynge
