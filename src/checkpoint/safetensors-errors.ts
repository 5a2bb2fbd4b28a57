// One error type for everything that can be wrong with a checkpoint file, with a code a program
// can switch on and a message a person can read. Thrown by the safetensors reader/writer and by the
// TabGPT checkpoint layer (codec.ts); never caught here.

export type CheckpointErrorCode =
  // Container (safetensors) problems, in the order the reader checks them.
  | 'file-too-small'       // fewer than the 8 bytes of the header length
  | 'header-too-large'     // header length above the sanity cap
  | 'header-length'        // header length runs past the end of the file
  | 'header-utf8'          // header bytes are not valid UTF-8
  | 'header-json'          // header is not valid JSON
  | 'header-nesting'       // arrays/objects in the header nest deeper than the cap
  | 'header-not-object'    // header is valid JSON but not an object
  | 'duplicate-key'        // the header, a tensor entry or the metadata repeats a key
  | 'too-many-tensors'     // more tensors than the cap
  | 'tensor-name'          // a tensor name longer than the cap
  | 'metadata'             // __metadata__ is not a map of strings to strings, or has too many entries
  | 'tensor-info'          // a tensor entry is not an object with dtype, shape, data_offsets
  | 'dtype'                // unknown dtype
  | 'shape'                // shape is not an array of JSON integers (digits only) up to 2^53 - 1
  | 'data-offsets'         // data_offsets is not [begin, end] of such integers with begin <= end
  | 'tensor-order'         // tensors do not tile the byte buffer from 0 without gaps or overlaps
  | 'tensor-size'          // byte length differs from product(shape) * dtype size
  | 'offset-out-of-bounds' // a tensor ends past the end of the file
  | 'trailing-bytes'       // bytes left after the last tensor
  | 'encode'               // the writer was given invalid tensors or metadata
  // TabGPT layer problems (codec.ts).
  | 'format-version'
  | 'config'
  | 'tokenizer'
  | 'stage'
  | 'step'
  | 'metadata-json'
  | 'optimizer'
  | 'missing-tensor'
  | 'tensor-dtype'
  | 'tensor-shape'
  | 'unexpected-tensor';

export class CheckpointError extends Error {
  constructor(readonly code: CheckpointErrorCode, message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}
