/**
 * Capture and replay at the transport level: record a session's datagrams to a pcap file that
 * Wireshark decodes (LINKTYPE_NETLINK, the nlmon format), read pcap, pcapng and strace captures,
 * and replay a capture as a transport without a kernel.
 *
 * @module
 */
export type { CaptureDirection, CapturedDatagram, CaptureSink } from './types.js';
export { CaptureFormatError } from './types.js';
export type { PcapRecordInput, PcapWriterOptions } from './pcap.js';
export {
  ARPHRD_NETLINK,
  LINKTYPE_NETLINK,
  LINUX_SLL_HOST,
  LINUX_SLL_OUTGOING,
  NETLINK_PSEUDO_HEADER_LEN,
  PCAP_SNAPLEN,
  PcapWriter,
  encodePcapRecord,
  readCapture,
  writePcapHeader,
} from './pcap.js';
export type { CaptureFileFormat, ReadCaptureFileOptions } from './file.js';
export { MAX_CAPTURE_FILE_BYTES, captureFormatOf, readCaptureFile } from './file.js';
export { CAPTURE_FILE_MODE, createCaptureFile } from './output.js';
export type { StraceCaptureOptions } from './strace.js';
export { parseStraceCapture } from './strace.js';
export type { MemoryCaptureOptions } from './recorder.js';
export { MemoryCaptureSink, MemoryRecordingTransport, RecordingTransport } from './recorder.js';
export type { ReplayOptions } from './replay.js';
export { ReplayMismatchError, ReplayTransport } from './replay.js';
