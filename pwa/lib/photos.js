// Photos for quote requests: downscaled on the tablet to at most 1600 px on the
// long side, as JPEG, so a basement full of photos does not fill the storage.
const MAX_SIDE = 1600;
// A downscaled photo above this is refused with a message (the server's cap,
// ATTACHMENT_MAX_BYTES, is higher: this keeps the tablet's storage for many photos).
export const MAX_PHOTO_BYTES = 4e6;

export async function downscale(file, maxSide = MAX_SIDE, quality = 0.85) {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  const width = Math.round(bitmap.width * scale);
  const height = Math.round(bitmap.height * scale);
  const canvas = Object.assign(document.createElement('canvas'), { width, height });
  canvas.getContext('2d').drawImage(bitmap, 0, 0, width, height);
  bitmap.close?.();
  return new Promise((resolve, reject) => canvas.toBlob(
    (blob) => (blob ? resolve(blob) : reject(new Error('JPEG encoding failed'))), 'image/jpeg', quality));
}
