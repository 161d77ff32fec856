//! The student's weights: named matrices stored one after another in a single
//! flat vector, so the optimizer and the landscape see one long list of numbers.

use std::collections::BTreeMap;

use ndarray::ArrayView2;

use super::rng::Rand;

/// One named matrix inside [`Params`]: `rows × cols`, row-major, from `offset`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tensor {
    pub name: String,
    pub rows: usize,
    pub cols: usize,
    pub offset: usize,
}

impl Tensor {
    pub fn len(&self) -> usize {
        self.rows * self.cols
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn range(&self) -> std::ops::Range<usize> {
        self.offset..self.offset + self.len()
    }
}

/// Named matrices in one flat `Vec<f32>`.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub data: Vec<f32>,
    pub tensors: Vec<Tensor>,
}

/// Parameters exported by name as nested lists, rows first.
pub type NamedTensors = BTreeMap<String, Vec<Vec<f32>>>;

impl Params {
    /// Zeroed storage for the given `(name, rows, cols)` shapes, in order.
    pub fn zeros(shapes: &[(String, usize, usize)]) -> Self {
        let tensors = layout(shapes);
        let len = tensors.last().map_or(0, |t| t.offset + t.len());
        Self { data: vec![0.0; len], tensors }
    }

    pub fn len(&self) -> usize {
        self.data.len()
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    pub fn find(&self, name: &str) -> Option<&Tensor> {
        self.tensors.iter().find(|t| t.name == name)
    }

    /// A tensor as a matrix view (for export and display; training uses slices).
    pub fn view(&self, tensor: &Tensor) -> ArrayView2<'_, f32> {
        ArrayView2::from_shape((tensor.rows, tensor.cols), &self.data[tensor.range()])
            .expect("tensor shape matches its storage")
    }

    /// Every weight drawn from N(0, std²), tensor by tensor in order.
    pub fn init_normal(&mut self, rng: &mut Rand, std: f32) {
        for w in &mut self.data {
            *w = rng.normal(std);
        }
    }

    /// The run's fingerprint: FNV-1a (64 bit) over the bits of every weight in order.
    pub fn checksum(&self) -> u64 {
        checksum(&self.data)
    }

    pub fn to_named(&self) -> NamedTensors {
        self.tensors
            .iter()
            .map(|t| {
                let rows = self.view(t).rows().into_iter().map(|r| r.to_vec()).collect();
                (t.name.clone(), rows)
            })
            .collect()
    }

    /// Fills every tensor from named nested lists; each name must be present with its exact shape.
    pub fn load_named(&mut self, named: &NamedTensors) -> Result<(), String> {
        for t in &self.tensors {
            let rows = named.get(&t.name).ok_or_else(|| format!("missing parameter {}", t.name))?;
            if rows.len() != t.rows || rows.iter().any(|r| r.len() != t.cols) {
                return Err(format!("parameter {} must be {}×{}", t.name, t.rows, t.cols));
            }
            if rows.iter().flatten().any(|w| !w.is_finite()) {
                return Err(format!("parameter {} holds a value that is not a finite number", t.name));
            }
            for (r, row) in rows.iter().enumerate() {
                let start = t.offset + r * t.cols;
                self.data[start..start + t.cols].copy_from_slice(row);
            }
        }
        if let Some(extra) = named.keys().find(|k| self.find(k).is_none()) {
            return Err(format!("unknown parameter {extra}"));
        }
        Ok(())
    }
}

/// Where each `(name, rows, cols)` tensor lives when stored one after another.
pub fn layout(shapes: &[(String, usize, usize)]) -> Vec<Tensor> {
    let mut offset = 0;
    shapes
        .iter()
        .map(|(name, rows, cols)| {
            let t = Tensor { name: name.clone(), rows: *rows, cols: *cols, offset };
            offset += rows * cols;
            t
        })
        .collect()
}

/// FNV-1a (64 bit) over the little-endian bits of each value.
pub fn checksum(values: &[f32]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for v in values {
        for byte in v.to_bits().to_le_bytes() {
            hash ^= byte as u64;
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
}

/// A checksum as it is printed and stored: 16 hex digits.
pub fn checksum_hex(sum: u64) -> String {
    format!("{sum:016x}")
}
