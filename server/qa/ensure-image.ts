import type Docker from "dockerode";
import type { Logger } from "pino";
import { dockerCall, dockerStatus } from "./docker-call.js";
import { imageReferenceProblem } from "./image-reference.js";
import { QaError } from "./qa-error.js";

/** What QA needs to know of a test image. */
export interface ImageFacts {
  id: string;
  /** The image's ENV, empty for images made with `docker import`. */
  env: string[];
  /** The image's USER, "" when unset. */
  user: string;
}

/**
 * Finds the test image on the engine; pulls it only when `pull` is set. Throws QaError
 * "image_not_found" naming the image, or "docker_unavailable" when no engine answers.
 */
export async function ensureImage(docker: Docker, image: string, pull: boolean, logger: Logger): Promise<ImageFacts> {
  // A stored trace may predate CreateTrace's check: never hand the engine a malformed name.
  const problem = imageReferenceProblem(image);
  if (problem) throw new QaError("image_not_found", `test image ${problem}`);
  try {
    return facts(await docker.getImage(image).inspect());
  } catch (err) {
    if (dockerStatus(err) !== 404) throw new QaError("docker_unavailable", `no Docker engine answered: ${(err as Error).message}`, { cause: err });
  }
  if (!pull) {
    throw new QaError("image_not_found", `test image ${image} is not on the Docker engine; build it or run \`docker pull ${image}\` (or let QA pull images: --pull-images)`);
  }
  await dockerCall(logger, "pull", { image }, async () => {
    const stream = await docker.pull(image);
    await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (err) => (err ? reject(err) : resolve())));
  }).catch((err: unknown) => {
    throw new QaError("image_not_found", `test image ${image} could not be pulled: ${(err as Error).message}`, { cause: err });
  });
  return facts(await dockerCall(logger, "image inspect", { image }, () => docker.getImage(image).inspect()));
}

function facts(info: Docker.ImageInspectInfo): ImageFacts {
  return { id: info.Id, env: info.Config?.Env ?? [], user: info.Config?.User ?? "" };
}
