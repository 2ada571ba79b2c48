import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Prints every failed test of a red build from the surefire and failsafe reports written after a given
 * file (so stale reports of an earlier build are left out): its name, the failure's message and first
 * stack lines, and the tail of the test class's {@code *-output.txt}.
 * Usage: {@code java .ci/FailedTests.java <root> <marker file> [tail lines]}.
 */
public final class FailedTests {

    private static final int MESSAGE_LINES = 40;
    private static final int STACK_LINES = 12;

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        FileTime since = Files.getLastModifiedTime(Path.of(args[1]));
        int tail = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        List<Path> reports;
        try (Stream<Path> files = Files.walk(root)) {
            reports = files.filter(p -> p.getFileName().toString().matches("TEST-.*\\.xml"))
                    .filter(p -> p.toString().contains("surefire-reports") || p.toString().contains("failsafe-reports"))
                    .filter(p -> modifiedAfter(p, since))
                    .sorted().toList();
        }
        int failed = 0;
        for (Path report : reports) {
            failed += print(root, report, tail);
        }
        System.out.println(failed == 0
                ? "No failed test in the surefire/failsafe reports of this run: the cause is in the build output above."
                : failed + " failed test(s), listed above with their output.");
    }

    private static int print(Path root, Path report, int tail) throws Exception {
        Element suite = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile()).getDocumentElement();
        NodeList cases = suite.getElementsByTagName("testcase");
        int failed = 0;
        for (int i = 0; i < cases.getLength(); i++) {
            Element testcase = (Element) cases.item(i);
            for (String kind : new String[] {"failure", "error"}) {
                NodeList problems = testcase.getElementsByTagName(kind);
                if (problems.getLength() == 0) {
                    continue;
                }
                Element problem = (Element) problems.item(0);
                String className = testcase.getAttribute("classname");
                System.out.println("=".repeat(100));
                System.out.println("FAILED " + className + "." + testcase.getAttribute("name")
                        + "  [" + root.relativize(report.getParent()) + "]");
                System.out.println(kind + ": " + problem.getAttribute("type") + ": ");
                problem.getAttribute("message").lines().limit(MESSAGE_LINES).forEach(l -> System.out.println("    " + l));
                System.out.println("  at:");
                problem.getTextContent().lines().filter(l -> l.strip().startsWith("at "))
                        .limit(STACK_LINES).forEach(l -> System.out.println("    " + l.strip()));
                printTail(report.getParent().resolve(className + "-output.txt"), tail);
                failed++;
            }
        }
        return failed;
    }

    private static void printTail(Path output, int tail) throws IOException {
        if (!Files.exists(output)) {
            System.out.println("(no " + output.getFileName() + ": the test's output is in the build log above)");
            return;
        }
        List<String> lines = new ArrayList<>(Files.readAllLines(output, StandardCharsets.UTF_8));
        System.out.println("--- last " + Math.min(tail, lines.size()) + " of " + lines.size() + " lines of " + output + ":");
        lines.subList(Math.max(0, lines.size() - tail), lines.size()).forEach(System.out::println);
    }

    private static boolean modifiedAfter(Path file, FileTime since) {
        try {
            return Files.getLastModifiedTime(file).compareTo(since) >= 0;
        } catch (IOException e) {
            return false;
        }
    }
}
