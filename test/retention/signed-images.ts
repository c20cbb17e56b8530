/**
 * Signed images for the retention properties (issue 17): cosign's tag-based scheme
 * stores the signature of digest `sha256:<hex>` as an image tagged `sha256-<hex>.sig`
 * (attestations `.att`, SBOMs `.sbom`), pushed after its subject.
 */
import * as fc from 'fast-check';
import { attachmentSubject } from '../../src/retention/evaluator-support';

const DAY = 86_400_000;

interface Image { readonly digest: string; readonly tags: string[]; readonly pushedAt: Date }

/**
 * The images with 64-hex digests (order kept: `sha256:00...07`), plus 0-4 attachments of some of
 * them, pushed `delays` ms after their subject (one that would be pushed after `now` is left out),
 * each with one cosign tag no other image has.
 */
export function withAttachments<T extends Image>(images: fc.Arbitrary<T[]>, now: Date,
  delays: number[] = [0, 1_000, 3_600_000, DAY, 10 * DAY]): fc.Arbitrary<T[]> {
  const attachment = fc.record({
    subject: fc.nat(),
    kind: fc.constantFrom('sig', 'sig', 'att', 'sbom'),
    delay: fc.constantFrom(...delays),
  });
  return fc.tuple(images, fc.array(attachment, { maxLength: 4 })).map(([raw, attachments]) => {
    const subjects = raw.map((im, i) => ({ ...im, digest: `sha256:${String(i).padStart(64, '0')}` }));
    if (subjects.length === 0) return subjects;
    const tags = new Set<string>();
    const added: T[] = [];
    attachments.forEach((a, j) => {
      const subject = subjects[a.subject % subjects.length];
      const tag = `sha256-${subject.digest.slice('sha256:'.length)}.${a.kind}`;
      const pushedAt = new Date(subject.pushedAt.getTime() + a.delay);
      if (tags.has(tag) || pushedAt > now) return;
      tags.add(tag);
      added.push({ digest: `sha256:f${String(j).padStart(63, '0')}`, tags: [tag], pushedAt } as unknown as T);
    });
    return [...subjects, ...added];
  });
}

/** The digests of the attachments (images whose tags are all cosign tags of one listed subject), with their subject. */
export function attachmentsOf(images: Image[]): Map<string, string> {
  const digests = new Set(images.map((i) => i.digest));
  const result = new Map<string, string>();
  for (const im of images) {
    const subject = attachmentSubject(im.tags);
    if (subject !== undefined && digests.has(subject)) result.set(im.digest, subject);
  }
  return result;
}
