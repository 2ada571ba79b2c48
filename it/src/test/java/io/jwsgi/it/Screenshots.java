package io.jwsgi.it;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Screenshots for the documentation, taken by the browser tests only when the system property
 * {@value #PROPERTY} names a directory (and, with {@link #keep}, under {@code target/} for review): {@code mvn -pl it -am verify -Dit.test=SampleBrowserIT
 * -Djwsgi.screenshots=$PWD/docs/images} (a relative path is taken from the {@code it/} module).
 */
final class Screenshots {

    /** The system property naming the directory the PNG files go to. */
    static final String PROPERTY = "jwsgi.screenshots";

    private static final int GAP = 16;
    private static final Color BACKGROUND = new Color(0xd0d4da);

    private Screenshots() {
    }

    /** Whether screenshots are asked for. */
    static boolean wanted() {
        return !System.getProperty(PROPERTY, "").isBlank();
    }

    /**
     * Writes the image as {@code <name>.png} in the directory named by {@value #PROPERTY}, if any.
     *
     * @param name the file's name without {@code .png}
     * @param image the image
     */
    static void save(String name, BufferedImage image) throws IOException {
        if (!wanted()) {
            return;
        }
        Path dir = Files.createDirectories(Path.of(System.getProperty(PROPERTY)));
        ImageIO.write(image, "png", dir.resolve(name + ".png").toFile());
    }

    /**
     * Writes the image as {@code target/screenshots/<name>.png} (from the {@code it/} module),
     * always: for a person to look at after a layout test.
     *
     * @param name the file's name without {@code .png}, may hold {@code /}
     * @param image the image
     */
    static void keep(String name, BufferedImage image) throws IOException {
        Path file = Path.of("target", "screenshots", name + ".png");
        Files.createDirectories(file.getParent());
        ImageIO.write(image, "png", file.toFile());
    }

    /**
     * Two windows side by side on a plain background, as a user sees two browser windows.
     *
     * @param left the left window
     * @param right the right window
     * @return one image holding both
     */
    static BufferedImage sideBySide(BufferedImage left, BufferedImage right) {
        int width = GAP + left.getWidth() + GAP + right.getWidth() + GAP;
        int height = GAP + Math.max(left.getHeight(), right.getHeight()) + GAP;
        BufferedImage both = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = both.createGraphics();
        try {
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, width, height);
            g.drawImage(left, GAP, GAP, null);
            g.drawImage(right, GAP + left.getWidth() + GAP, GAP, null);
        } finally {
            g.dispose();
        }
        return both;
    }
}
