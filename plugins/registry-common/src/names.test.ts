import { versionNameProblem, versionRecordName } from './names';

describe('version record names', () => {
  it('names a version <artifact>-<version>', () => {
    expect(versionRecordName('terraform-aws-vpc', '1.4.0')).toBe(
      'terraform-aws-vpc-1.4.0',
    );
    expect(
      versionNameProblem(
        'terraform-aws-vpc-1.4.0',
        'terraform-aws-vpc',
        '1.4.0',
      ),
    ).toBeUndefined();
  });

  it('says what the name must be', () => {
    expect(versionNameProblem('vpc-1.4.0', 'terraform-aws-vpc', '1.4.0')).toBe(
      'the name of version 1.4.0 of terraform-aws-vpc must be "terraform-aws-vpc-1.4.0", not "vpc-1.4.0"',
    );
  });

  it('refuses a version with "v" before comparing names', () => {
    expect(versionNameProblem('x-v1.0.0', 'x', 'v1.0.0')).toMatch(
      /starts with "v"/,
    );
  });
});
