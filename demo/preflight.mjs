// Checks what the demo needs before it starts anything, and says plainly how to get what is missing.
import { existsSync } from "node:fs";
import { join } from "node:path";

/** The image sample_repo's tests run in (built by .ci/build-sample-image.sh). */
export const sampleImage = "devtrace/sample-python:1";

/**
 * Returns a list of problems (empty when the demo can run). Each names what is missing
 * and the command that fixes it.
 * @param {string} root repository root
 */
export async function preflight(root) {
  const problems = [];
  if (!existsSync(join(root, "dist", "agent", "cli.js"))) {
    problems.push("The build is missing (dist/agent/cli.js). Run: npm ci && npm run build");
    return problems;
  }
  const { dockerClient } = await import(join(root, "dist", "server", "qa", "docker-client.js"));
  const docker = dockerClient(process.env.DOCKER_HOST || undefined);
  try {
    await docker.ping();
  } catch (err) {
    problems.push(
      [
        `No Docker engine answered (${process.env.DOCKER_HOST || "unix:///var/run/docker.sock"}: ${err.message}).`,
        "QA runs every test command in a locked-down container, so the demo needs one:",
        "  install Docker Engine (Debian/Ubuntu: sudo apt-get install docker.io), start it",
        "  (sudo systemctl start docker), and make sure your user may use it",
        "  (sudo usermod -aG docker $USER, then log in again) — or point DOCKER_HOST at an engine.",
      ].join("\n"),
    );
    return problems;
  }
  try {
    await docker.getImage(sampleImage).inspect();
  } catch {
    problems.push(
      [
        `The test image ${sampleImage} is not on the Docker engine.`,
        "Build it once (a few minutes; needs root, debootstrap and access to a Debian mirror):",
        "  sudo apt-get install debootstrap && sudo bash .ci/build-sample-image.sh",
      ].join("\n"),
    );
  }
  return problems;
}
